//! The successful response: the picked-up ChatSessionEntity, or `null` for an empty queue
//! (the official client turns a `null` body into `null`; a 204 would become a bogus object).

use http::header::CONTENT_TYPE;
use http::{Response, StatusCode};
use lambda_http::Body;

use crate::entity::Object;

pub fn json(session: Option<&Object>) -> Response<Body> {
    let body = serde_json::to_string(&session).expect("entities always serialize");
    Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .body(Body::Text(body))
        .expect("static headers are valid")
}
