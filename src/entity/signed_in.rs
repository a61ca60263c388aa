//! What a page's sign-in answers: ours, as SuperOffice's web client signs in elsewhere. Who
//! signed in and until when - never the ticket, which travels only in its `HttpOnly`
//! cookie. In XML its root is `SignedIn`. Built from the caller, not read from a row: its
//! fields name no column.

use super::model::{Field, Kind, Shape};

const fn f(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        kind,
        column: "",
    }
}

pub static SIGNED_IN: Shape = Shape {
    name: "SignedIn",
    carrier: false,
    from: "",
    key: "",
    fields: &[
        f("AssociateId", Kind::Int),
        // The login name, as SuperOffice's Associate carrier calls it.
        f("Name", Kind::Text),
        // The full name, or the login name where there is none: what customers see.
        f("FullName", Kind::Text),
        // When the ticket, and so the cookies, expire.
        f("Expires", Kind::Date),
    ],
};
