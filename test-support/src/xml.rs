//! Reading XML responses back: a small element tree from quick-xml's reader (which fails on
//! anything not well-formed), and a member-by-member comparison with the JSON.

use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

/// An XML element: attributes, child elements in order, text.
#[derive(Debug, Default)]
pub struct Element {
    pub name: String,
    pub nil: bool,
    pub children: Vec<Element>,
    pub text: String,
}

pub fn parse(xml: &str) -> Element {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Element::default()];
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|error| panic!("not well-formed: {error}\n{xml}"))
        {
            Event::Start(start) => stack.push(element(&start)),
            Event::Empty(start) => {
                let done = element(&start);
                stack.last_mut().unwrap().children.push(done);
            }
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(done);
            }
            Event::Text(text) => {
                // What every conforming parser does to line ends in text (XML 1.0, 2.11).
                let text = text
                    .decode()
                    .unwrap()
                    .replace("\r\n", "\n")
                    .replace('\r', "\n");
                stack.last_mut().unwrap().text += &text;
            }
            Event::GeneralRef(reference) => {
                let text = &mut stack.last_mut().unwrap().text;
                if let Some(resolved) = reference.resolve_char_ref().unwrap() {
                    text.push(resolved);
                } else {
                    let name = reference.decode().unwrap();
                    *text += quick_xml::escape::resolve_predefined_entity(&name)
                        .expect("predefined entity");
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    stack.pop().unwrap().children.pop().expect("a root element")
}

fn element(start: &quick_xml::events::BytesStart) -> Element {
    let nil = start
        .attributes()
        .map(Result::unwrap)
        .any(|attribute| attribute.key.as_ref() == b"i:nil" && attribute.value.as_ref() == b"true");
    Element {
        name: String::from_utf8(start.name().as_ref().to_vec()).unwrap(),
        nil,
        ..Element::default()
    }
}

/// Asserts that `xml` carries exactly the values of `json`, member by member. Member order
/// is not checked here (serde_json sorts members); the golden files and `top_level_keys` do.
pub fn assert_same(xml: &Element, json: &Value, path: &str) {
    match json {
        Value::Null => assert!(xml.nil, "{path}: expected i:nil"),
        Value::Object(members) => {
            assert!(!xml.nil, "{path}: unexpected i:nil");
            let names: Vec<&str> = xml
                .children
                .iter()
                .map(|child| child.name.as_str())
                .collect();
            let expected: Vec<&str> = members.keys().map(String::as_str).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, expected, "{path}: members");
            for child in &xml.children {
                assert_same(
                    child,
                    &members[&child.name],
                    &format!("{path}/{}", child.name),
                );
            }
        }
        Value::Array(items) => assert!(items.is_empty() && xml.children.is_empty(), "{path}"),
        Value::Bool(value) => assert_eq!(xml.text, value.to_string(), "{path}"),
        Value::Number(number) => {
            assert_eq!(
                xml.text.parse::<f64>().unwrap(),
                number.as_f64().unwrap(),
                "{path}"
            )
        }
        Value::String(text) => assert_eq!(&xml.text, text, "{path}"),
    }
}

impl Element {
    pub fn child(&self, name: &str) -> &Element {
        self.children
            .iter()
            .find(|child| child.name == name)
            .unwrap_or_else(|| panic!("no <{name}> in <{}>", self.name))
    }
}
