//! A request body as one document, whatever its encoding: JSON as it is; XML as the root
//! element's children (a leaf root is itself the one member); a form as its pairs. Member
//! names match in any case, as ASP.NET binds them (the official client sends camelCase).

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde_json::{Map, Value};

use super::FieldError;

/// The members of a body, read once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document(Map<String, Value>);

impl Document {
    /// Reads `body` as `content_type` says (JSON without one); an empty body has no members.
    pub fn parse(content_type: Option<&str>, body: &[u8]) -> Result<Self, FieldError> {
        let text = std::str::from_utf8(body).map_err(|_| FieldError::Malformed("not UTF-8"))?;
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        match media(content_type).as_str() {
            "application/x-www-form-urlencoded" => Ok(form(text)),
            media if media.ends_with("xml") => xml(text),
            _ => match serde_json::from_str(text) {
                Ok(Value::Object(members)) => Ok(Self(members)),
                Ok(_) => Err(FieldError::Malformed("not a JSON object")),
                Err(_) => Err(FieldError::Malformed("not valid JSON")),
            },
        }
    }

    /// A document of these members (an object nested in a body).
    pub fn of(members: Map<String, Value>) -> Self {
        Self(members)
    }

    /// Member `name` (any case); a JSON `null` is no member.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(member, _)| member.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
            .filter(|value| !value.is_null())
    }

    /// Member `name` as text: a string as it is, a number or a boolean as JSON writes it.
    pub fn text(&self, name: &str) -> Result<Option<String>, FieldError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(number)) => Ok(Some(number.to_string())),
            Some(Value::Bool(flag)) => Ok(Some(flag.to_string())),
            Some(_) => Err(FieldError::Malformed("not a number or a string")),
        }
    }

    /// Every member, in the order sent.
    pub fn members(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().filter(|(_, value)| !value.is_null())
    }
}

/// The media type of a `Content-Type`, lower case, without parameters.
pub fn media(content_type: Option<&str>) -> String {
    content_type
        .and_then(|value| value.split(';').next())
        .map(|media| media.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn form(text: &str) -> Document {
    let pairs = form_urlencoded::parse(text.as_bytes())
        .map(|(name, value)| (name.into_owned(), Value::String(value.into_owned())));
    Document(pairs.collect())
}

/// An XML element's content as it is being read: its children so far, or its text.
#[derive(Default)]
struct Element {
    name: String,
    nil: bool,
    children: Map<String, Value>,
    text: String,
}

impl Element {
    fn open(start: &BytesStart) -> Self {
        let nil = start.attributes().flatten().any(|attribute| {
            attribute.key.local_name().as_ref() == b"nil" && attribute.value.as_ref() == b"true"
        });
        Self {
            name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
            nil,
            ..Self::default()
        }
    }

    fn value(self) -> Value {
        match (self.nil, self.children.is_empty()) {
            (true, _) => Value::Null,
            (false, true) => Value::String(self.text),
            (false, false) => Value::Object(self.children),
        }
    }
}

/// The deepest an XML body's elements may nest. The API's bodies nest three deep; the limit
/// keeps the nested values this reader builds (and drops, recursively) far from the stack's
/// end - a body of 100 KiB can open 15,000 elements. JSON bodies have serde_json's 128.
const MAX_XML_DEPTH: usize = 32;

fn xml(text: &str) -> Result<Document, FieldError> {
    let malformed = || FieldError::Malformed("not well-formed XML");
    let mut reader = Reader::from_str(text);
    let mut open: Vec<Element> = Vec::new();
    loop {
        match reader.read_event().map_err(|_| malformed())? {
            Event::Start(_) if open.len() == MAX_XML_DEPTH => {
                return Err(FieldError::Malformed(
                    "XML elements nested more than 32 deep",
                ));
            }
            Event::Start(start) => open.push(Element::open(&start)),
            Event::Empty(start) => {
                if let Some(root) = close(&mut open, Element::open(&start)) {
                    return after_root(&mut reader, root);
                }
            }
            Event::Text(value) => {
                if let Some(element) = open.last_mut() {
                    element
                        .text
                        .push_str(&value.decode().map_err(|_| malformed())?);
                }
            }
            Event::CData(value) => {
                if let Some(element) = open.last_mut() {
                    element
                        .text
                        .push_str(&value.decode().map_err(|_| malformed())?);
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = reference
                    .resolve_char_ref()
                    .ok()
                    .flatten()
                    .map(String::from)
                    .or_else(|| entity(&reference.decode().ok()?).map(String::from))
                    .ok_or_else(malformed)?;
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&resolved);
                }
            }
            Event::End(_) => {
                let element = open.pop().ok_or_else(malformed)?;
                if let Some(root) = close(&mut open, element) {
                    return after_root(&mut reader, root);
                }
            }
            Event::Eof => return Err(malformed()),
            _ => {}
        }
    }
}

/// The document of `root`, if nothing but white space, comments and processing
/// instructions follows it: a second root, or text after it, is not well-formed XML.
fn after_root(reader: &mut Reader<&[u8]>, root: Element) -> Result<Document, FieldError> {
    let malformed = FieldError::Malformed("not well-formed XML");
    loop {
        match reader.read_event().map_err(|_| malformed.clone())? {
            Event::Eof => return Ok(root_document(root)),
            Event::Text(text) if text.iter().all(u8::is_ascii_whitespace) => {}
            Event::Comment(_) | Event::PI(_) => {}
            _ => return Err(malformed),
        }
    }
}

/// The five entities XML predefines.
fn entity(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

/// Adds a closed `element` to its parent; the root, once it closes.
fn close(open: &mut [Element], element: Element) -> Option<Element> {
    match open.last_mut() {
        Some(parent) => {
            let name = element.name.clone();
            parent.children.insert(name, element.value());
            None
        }
        None => Some(element),
    }
}

/// The document an XML root makes: its children, or itself where it is a leaf.
fn root_document(root: Element) -> Document {
    let name = root.name.clone();
    match root.value() {
        Value::Object(children) => Document(children),
        leaf => Document(Map::from_iter([(name, leaf)])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn json_xml_and_forms_make_the_same_members() {
        let json = Document::parse(
            None,
            br#"{"chatSessionId": 5, "message": {"message": "a<b"}}"#,
        )
        .unwrap();
        let xml = Document::parse(
            Some("application/xml; charset=utf-8"),
            b"<Req><ChatSessionId>5</ChatSessionId><Message><Message>a&lt;b</Message></Message></Req>",
        )
        .unwrap();
        for document in [&json, &xml] {
            assert_eq!(
                document.text("ChatSessionId").unwrap().as_deref(),
                Some("5")
            );
            let Some(Value::Object(message)) = document.get("MESSAGE") else {
                panic!("a nested message: {document:?}");
            };
            let message = Document::of(message.clone());
            assert_eq!(message.text("message").unwrap().as_deref(), Some("a<b"));
        }
        let form = Document::parse(Some("application/x-www-form-urlencoded"), b"After=3").unwrap();
        assert_eq!(form.text("after").unwrap().as_deref(), Some("3"));
    }

    #[test]
    fn a_leaf_root_is_its_own_member_and_nil_is_none() {
        let leaf =
            Document::parse(Some("text/xml"), b"<ChatSessionId> 5 </ChatSessionId>").unwrap();
        assert_eq!(leaf.text("chatsessionid").unwrap().as_deref(), Some(" 5 "));
        let nil = Document::parse(
            Some("application/xml"),
            br#"<R xmlns:i="x"><After i:nil="true"/><Html/></R>"#,
        )
        .unwrap();
        assert_eq!(nil.get("After"), None);
        assert_eq!(nil.text("Html").unwrap().as_deref(), Some(""));
        assert_eq!(Document::parse(None, b" ").unwrap(), Document::default());
        assert!(Document::parse(None, b"[1]").is_err());
        assert!(Document::parse(Some("text/xml"), b"<a><b></a>").is_err());
        assert!(Document::parse(Some("text/xml"), b"<a>1</a><a>2</a>").is_err());
        assert!(Document::parse(Some("text/xml"), b"<a/>trailing").is_err());
        assert!(Document::parse(Some("text/xml"), b"<a>1</a>\n<!-- fine -->\n").is_ok());
    }

    fn nested(depth: usize) -> String {
        "<a>".repeat(depth) + &"</a>".repeat(depth)
    }

    #[test]
    fn xml_nested_past_the_limit_is_refused_before_it_is_built() {
        assert!(Document::parse(Some("text/xml"), nested(MAX_XML_DEPTH).as_bytes()).is_ok());
        let too_deep = FieldError::Malformed("XML elements nested more than 32 deep");
        for depth in [MAX_XML_DEPTH + 1, 20_000] {
            let refused = Document::parse(Some("text/xml"), nested(depth).as_bytes());
            assert_eq!(refused.err(), Some(too_deep.clone()), "{depth} deep");
        }
    }

    #[test]
    fn cdata_is_text_beside_the_text_around_it() {
        let body = b"<ChatMessage><Message>Hello <![CDATA[<b>world</b>]]> &amp; more</Message></ChatMessage>";
        let document = Document::parse(Some("application/xml"), body).unwrap();
        assert_eq!(
            document.text("Message").unwrap().as_deref(),
            Some("Hello <b>world</b> & more")
        );
    }

    proptest! {
        #[test]
        fn any_body_is_a_document_or_a_reason_never_a_panic(
            content_type in prop::option::of("[a-z/+;= -]{0,40}"),
            body in prop::collection::vec(any::<u8>(), 0..300),
        ) {
            let _ = Document::parse(content_type.as_deref(), &body);
        }
    }
}
