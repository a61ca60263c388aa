//! `openapi.yaml` stays in step with the entity: its carrier and enum schemas, between the
//! GENERATED markers, are what the shapes in `src/entity` describe - a property added to one
//! and not the other fails here. `UPDATE_OPENAPI=1 cargo test --test api openapi` rewrites
//! the block. The local server serves the file.

use std::collections::BTreeSet;
use std::fmt::Write;

use chat_pickup::entity::{
    ALL_SHAPES, CHAT_MESSAGE, CHAT_SESSION_ENTITY, CUSTOMER_SESSION, EnumDef, Kind, Shape,
};
use http::StatusCode;
use test_support::app::TestApp;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");
const BEGIN: &str =
    "    # BEGIN GENERATED from src/entity (UPDATE_OPENAPI=1 cargo test --test api openapi)\n";
const END: &str = "    # END GENERATED\n";

/// A .NET date-time as printed: local, or with an offset or `Z`.
const DATE_PATTERN: &str = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$";

#[test]
fn the_documented_schemas_are_the_entitys() {
    let document = std::fs::read_to_string(PATH).unwrap();
    let start = document.find(BEGIN).expect("the BEGIN GENERATED marker") + BEGIN.len();
    let end = document.find(END).expect("the END GENERATED marker");
    let generated = schemas();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        let updated = format!("{}{generated}{}", &document[..start], &document[end..]);
        std::fs::write(PATH, updated).unwrap();
        panic!("openapi.yaml rewritten from src/entity: review the diff and run the tests again");
    }
    assert!(
        document[start..end] == generated,
        "openapi.yaml's schemas differ from src/entity: run UPDATE_OPENAPI=1 cargo test --test api openapi and review the diff"
    );
}

#[tokio::test]
async fn the_local_server_serves_the_document() {
    let app = TestApp::sqlite();
    let addr = app.serve().await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Empty<hyper::body::Bytes>>();
    let uri = format!("http://{addr}/api/v1/OpenAPI.yaml");
    let response = client.get(uri.parse().unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/yaml");
    use http_body_util::BodyExt;
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, std::fs::read(PATH).unwrap());
}

/// The schema of every shape (once per name) and every enum they use.
fn schemas() -> String {
    let mut out = String::new();
    let mut seen = BTreeSet::new();
    let mut enums: Vec<&EnumDef> = Vec::new();
    for shape in ALL_SHAPES {
        if !seen.insert(shape.name) {
            continue;
        }
        let answered = [&CHAT_SESSION_ENTITY, &CHAT_MESSAGE, &CUSTOMER_SESSION];
        let root = answered.iter().any(|entity| std::ptr::eq(shape, *entity));
        write_shape(&mut out, shape, root);
        for field in shape.fields {
            if let Kind::Enum(def) = field.kind
                && !enums.iter().any(|known| std::ptr::eq(*known, def))
            {
                enums.push(def);
            }
        }
    }
    for def in enums {
        write_enum(&mut out, def);
    }
    out
}

/// `root`: an entity an operation answers with, whose top-level properties `$select` may
/// leave null.
fn write_shape(out: &mut String, shape: &Shape, root: bool) {
    writeln!(out, "    {}:", shape.name).unwrap();
    writeln!(out, "      type: object").unwrap();
    writeln!(out, "      additionalProperties: false").unwrap();
    let names: Vec<&str> = shape.property_names().collect();
    writeln!(out, "      required: [{}]", names.join(", ")).unwrap();
    writeln!(out, "      properties:").unwrap();
    for field in shape.fields {
        writeln!(out, "        {}:", field.name).unwrap();
        write_kind(out, field.kind, root);
    }
    if shape.carrier {
        for (name, schema) in [
            ("TableRight", "TableRight"),
            ("FieldProperties", "FieldProperties"),
        ] {
            writeln!(out, "        {name}:").unwrap();
            write_ref(out, schema, root);
        }
    }
}

fn write_kind(out: &mut String, kind: Kind, nullable: bool) {
    let scalar = |out: &mut String, kind: &str, extra: &str| {
        let kind = if nullable {
            format!("[{kind}, \"null\"]")
        } else {
            kind.to_string()
        };
        writeln!(out, "          type: {kind}{extra}").unwrap();
    };
    match kind {
        Kind::Int => scalar(out, "integer", ""),
        Kind::Text => scalar(out, "string", ""),
        Kind::Bool => scalar(out, "boolean", ""),
        Kind::Double => scalar(out, "number", ""),
        Kind::Date => scalar(
            out,
            "string",
            &format!("\n          pattern: '{DATE_PATTERN}'"),
        ),
        Kind::Flags(def) => scalar(
            out,
            "string",
            &format!(
                "\n          description: {} names joined by \", \"",
                def.name
            ),
        ),
        Kind::Enum(def) => write_ref(out, def.name, nullable),
        Kind::Nested(shape) => write_ref(out, shape.name, true),
        Kind::Dictionary => scalar(
            out,
            "object",
            "\n          additionalProperties:\n            type: string",
        ),
        Kind::Layout => scalar(out, "array", ""),
        Kind::Optional(kind) => write_kind(out, *kind, true),
    }
}

fn write_ref(out: &mut String, schema: &str, nullable: bool) {
    if nullable {
        writeln!(out, "          oneOf:").unwrap();
        writeln!(out, "            - $ref: '#/components/schemas/{schema}'").unwrap();
        writeln!(out, "            - type: \"null\"").unwrap();
    } else {
        writeln!(out, "          $ref: '#/components/schemas/{schema}'").unwrap();
    }
}

fn write_enum(out: &mut String, def: &EnumDef) {
    writeln!(out, "    {}:", def.name).unwrap();
    writeln!(out, "      type: string").unwrap();
    let members: Vec<String> = def
        .members
        .iter()
        .map(|(name, value)| format!("{name} ({value})"))
        .collect();
    writeln!(
        out,
        "      description: 'By member name: {}; an undefined value by its number.'",
        members.join(", ")
    )
    .unwrap();
    let names: Vec<&str> = def.members.iter().map(|(name, _)| *name).collect();
    // A stored value the enum does not define prints as its number, as .NET prints it.
    writeln!(out, "      anyOf:").unwrap();
    writeln!(out, "        - enum: [{}]", names.join(", ")).unwrap();
    writeln!(out, "        - pattern: '^-?[0-9]+$'").unwrap();
}
