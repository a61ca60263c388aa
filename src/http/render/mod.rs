//! Response bodies in the negotiated [`Format`] (`wire` is the walk that writes a carrier):
//! an entity, or a null - for an empty queue - `null` in JSON (the official client turns a `null` body into `null`;
//! a 204 would become a bogus object), a nil root element in XML; or a list of entities, a
//! JSON array or the XML `ArrayOf{Entity}` element with one child element per entity; or a
//! transcript, one string.

use http::header::CONTENT_TYPE;
use http::{Response, StatusCode};
use lambda_http::Body;
use serde::Serialize;

mod transcript;
mod wire;

use super::negotiate::Format;
use super::select::Selection;
use crate::entity::{Object, Shape};
use crate::locale::Localizer;
pub use wire::{Wire, XSI, printable};

const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

/// What a body is made of besides the entity: which properties, in which language and zone.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub selection: &'a Selection,
    pub localizer: &'a Localizer,
}

/// The entity of `shape` (or its null), properties outside the selection as null.
pub fn entity(
    format: Format,
    shape: &'static Shape,
    entity: Option<&Object>,
    view: View,
) -> Response<Body> {
    ok(
        format,
        match format {
            Format::Json(_) => json(entity, view),
            Format::Xml(_) => xml(shape, entity, view),
        },
    )
}

/// The entities of `shape`, in order, properties outside the selection as null.
pub fn list(
    format: Format,
    shape: &'static Shape,
    entities: &[Object],
    view: View,
) -> Response<Body> {
    let wires = |format| -> Vec<Wire> {
        entities
            .iter()
            .map(|object| Wire {
                object,
                format,
                root: false,
                selection: view.selection,
                localizer: view.localizer,
            })
            .collect()
    };
    ok(
        format,
        match format {
            Format::Json(_) => serde_json::to_string(&wires(format)).expect("entities serialize"),
            Format::Xml(_) => {
                let mut out = String::from(XML_DECLARATION);
                let array = XmlArray {
                    shape,
                    items: wires(format),
                };
                write_xml(&mut out, &format!("ArrayOf{}", shape.name), &array);
                out
            }
        },
    )
}

/// A list as a DataContract serializer writes it: the namespace on the root, one element
/// per item, named after the entity.
struct XmlArray<'a> {
    shape: &'static Shape,
    items: Vec<Wire<'a>>,
}

impl Serialize for XmlArray<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("ArrayOf", 2)?;
        out.serialize_field("@xmlns:i", XSI)?;
        out.serialize_field(self.shape.name, &self.items)?;
        out.end()
    }
}

/// A session's messages as one text (a transcript): a JSON string, or XML's `<string>`.
pub fn text_of(format: Format, messages: &[Object], html: bool, view: View) -> Response<Body> {
    let text = transcript::transcript(messages, html, view.localizer);
    ok(
        format,
        match format {
            Format::Json(_) => serde_json::to_string(&text).expect("a string serializes"),
            Format::Xml(_) => {
                let mut out = String::from(XML_DECLARATION);
                let printable = wire::printable(&text, format);
                let string = XmlString { text: &printable };
                write_xml(&mut out, "string", &string);
                out
            }
        },
    )
}

/// A string as the DataContract serializer writes it.
struct XmlString<'a> {
    text: &'a str,
}

impl Serialize for XmlString<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("string", 2)?;
        out.serialize_field("@xmlns", transcript::STRING_NAMESPACE)?;
        out.serialize_field("$text", self.text)?;
        out.end()
    }
}

fn ok(format: Format, body: String) -> Response<Body> {
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, format.content_type())
        .body(Body::Text(body))
        .expect("static headers are valid")
}

pub fn json(entity: Option<&Object>, view: View) -> String {
    let wire = entity.map(|object| Wire {
        object,
        format: Format::JSON,
        root: true,
        selection: view.selection,
        localizer: view.localizer,
    });
    serde_json::to_string(&wire).expect("entities always serialize")
}

/// The entity as XML, root element named after the carrier (`shape`, for a null).
pub fn xml(shape: &'static Shape, entity: Option<&Object>, view: View) -> String {
    let mut out = String::from(XML_DECLARATION);
    match entity {
        None => out.push_str(&format!(
            r#"<{} i:nil="true" xmlns:i="{XSI}"/>"#,
            shape.name
        )),
        Some(object) => {
            let wire = Wire {
                object,
                format: Format::Xml("application/xml"),
                root: true,
                selection: view.selection,
                localizer: view.localizer,
            };
            write_xml(&mut out, object.shape.name, &wire);
        }
    }
    out
}

/// Appends `value` as the element `root`. Our types only ever produce serializable XML
/// (no maps with non-string keys, no bare sequences at the top), so failing here is a bug.
pub fn write_xml(out: &mut String, root: &str, value: &impl Serialize) {
    let start = out.len();
    let serializer = quick_xml::se::Serializer::with_root(&mut *out, Some(root))
        .expect("valid root element name");
    value
        .serialize(serializer)
        .expect("our types serialize to XML");
    // A raw carriage return reaches an XML reader as a line feed (XML 1.0, 2.11); only a
    // character reference keeps it. quick-xml writes no line breaks of its own, so every CR
    // here comes from a value.
    if out[start..].contains('\r') {
        let kept = out[start..].replace('\r', "&#xD;");
        out.truncate(start);
        out.push_str(&kept);
    }
}
