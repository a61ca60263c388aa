//! Response bodies in the negotiated [`Format`]: the picked-up ChatSessionEntity, or a null
//! for an empty queue - `null` in JSON (the official client turns a `null` body into `null`;
//! a 204 would become a bogus object), a nil root element in XML.

use http::header::CONTENT_TYPE;
use http::{Response, StatusCode};
use lambda_http::Body;
use serde::Serialize;

use crate::entity::{CHAT_SESSION_ENTITY, Dialect, Object, Wire, XSI};
use crate::locale::Localizer;
use crate::negotiate::Format;
use crate::select::Selection;

const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

/// What a body is made of besides the entity: which properties, in which language and zone.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub selection: &'a Selection,
    pub localizer: &'a Localizer,
}

/// The entity (or the empty queue's null), properties outside the selection as null.
pub fn entity(format: Format, session: Option<&Object>, view: View) -> Response<Body> {
    let body = match format {
        Format::Json(_) => json(session, view),
        Format::Xml(_) => xml(session, view),
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, format.content_type())
        .body(Body::Text(body))
        .expect("static headers are valid")
}

pub fn json(session: Option<&Object>, view: View) -> String {
    let wire = session.map(|object| Wire {
        object,
        dialect: Dialect::Json,
        root: true,
        selection: view.selection,
        localizer: view.localizer,
    });
    serde_json::to_string(&wire).expect("entities always serialize")
}

/// The entity as XML, root element named after the carrier.
pub fn xml(session: Option<&Object>, view: View) -> String {
    let mut out = String::from(XML_DECLARATION);
    match session {
        None => out.push_str(&format!(
            r#"<{} i:nil="true" xmlns:i="{XSI}"/>"#,
            CHAT_SESSION_ENTITY.name
        )),
        Some(object) => {
            let wire = Wire {
                object,
                dialect: Dialect::Xml,
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
