//! Time zones (spec section 6) through the handler: instants are printed in the zone that
//! `SO-TimeZone` names, else the associate's own, else `SO-Browser-TZ-Offset`'s, else the
//! default - with offsets when asked.

use chat_pickup::locale::Zone;
use chat_pickup::time::Timestamp;
use test_support::app::TestApp;
use test_support::given;

use super::locale::{queue_at, session, summer, winter, zone_header};

#[tokio::test(flavor = "multi_thread")]
async fn norway_with_offsets_is_plus_one_in_winter_and_plus_two_in_summer() {
    let cases = [
        (
            winter as fn() -> Timestamp,
            "2026-01-15T13:00:00.123456+01:00",
        ),
        (summer, "2026-07-15T14:00:00+02:00"),
    ];
    for (clock, expected) in cases {
        let app = given!(queue_at(clock));
        let (body, response) = session(&app, &[("SO-TimeZone", "NO,includeTZOffset")]).await;
        assert_eq!(body["WhenStarted"], expected);
        assert_eq!(body["WhenIdle"], expected, "the welcome message's time");
        assert_eq!(
            body["WhenEnded"], "0001-01-01T00:00:00Z",
            "never set: marked UTC"
        );
        assert_eq!(zone_header(&response), "Europe/Oslo");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn new_york_is_local_time_without_an_offset() {
    for (clock, expected) in [
        (winter as fn() -> Timestamp, "2026-01-15T07:00:00.123456"),
        (summer, "2026-07-15T08:00:00"),
    ] {
        let app = given!(queue_at(clock));
        let (body, response) = session(&app, &[("SO-TimeZone", "US-NY")]).await;
        assert_eq!(body["WhenStarted"], expected);
        assert_eq!(body["WhenEnded"], "0001-01-01T00:00:00", "never set: bare");
        assert_eq!(zone_header(&response), "America/New_York");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_form_of_so_timezone_names_the_same_zone() {
    let id = given!(queue_at(winter))
        .int("SELECT tzlocation_id FROM tzlocation WHERE location_code = 'NO'");
    let id = id.to_string();
    for value in [
        "NO",
        "no",
        " NO , includetzoffset",
        "Europe/Oslo",
        "europe/oslo",
        id.as_str(),
    ] {
        let app = given!(queue_at(winter));
        let (body, response) = session(&app, &[("so-timezone", value)]).await;
        assert_eq!(zone_header(&response), "Europe/Oslo", "{value}");
        assert!(
            body["WhenStarted"]
                .as_str()
                .unwrap()
                .starts_with("2026-01-15T13:00:00"),
            "{value}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn utc_with_offsets_is_marked_z_so_clients_anywhere_read_it_right() {
    let app = given!(queue_at(winter));
    let (body, response) = session(&app, &[("SO-Timezone", "UTC,includeTZOffset")]).await;
    assert_eq!(body["WhenStarted"], "2026-01-15T12:00:00.123456Z");
    assert_eq!(zone_header(&response), "UTC");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_named_zone_the_associate_then_the_browser_then_the_default_decide() {
    let oslo = || Zone::from_iana("Europe/Oslo").unwrap();
    let configured =
        |app: TestApp| app.reconfigured(|app| app.with_clock(winter).with_default_zone(oslo()));
    let app = configured(given!(queue_at(winter)));
    let (body, response) = session(&app, &[("SO-Browser-TZ-Offset", "330")]).await;
    assert_eq!(zone_header(&response), "UTC+05:30");
    assert_eq!(
        body["WhenStarted"], "2026-01-15T17:30:00.123456+05:30",
        "only an offset: printed with it, so that no reader misplaces a date of another season"
    );

    let app = configured(given!(queue_at(winter)));
    let (body, response) = session(&app, &[("SO-TimeZone", "includeTZOffset")]).await;
    assert_eq!(zone_header(&response), "Europe/Oslo");
    assert_eq!(body["WhenStarted"], "2026-01-15T13:00:00.123456+01:00");

    let app = configured(given!(queue_at(winter)));
    app.admin.set_time_zone("tje0", "JP").unwrap();
    let (body, response) = session(&app, &[("SO-Browser-TZ-Offset", "330")]).await;
    assert_eq!(zone_header(&response), "Asia/Tokyo");
    assert_eq!(body["WhenStarted"], "2026-01-15T21:00:00.123456");

    let app = given!(queue_at(winter));
    let (body, response) = session(&app, &[]).await;
    assert_eq!(zone_header(&response), "UTC");
    assert_eq!(body["WhenStarted"], "2026-01-15T12:00:00.123456");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_associates_zone_is_set_by_code_in_any_case_or_by_id_and_cleared_by_nothing() {
    let app = given!(queue_at(winter));
    let set = |zone: &str| app.admin.set_time_zone("tje0", zone).unwrap();
    assert_eq!(set(" no ").as_deref(), Some("Europe/Oslo"));
    let tokyo = app.int("SELECT tzlocation_id FROM tzlocation WHERE location_code = 'JP'");
    assert_eq!(set(&tokyo.to_string()).as_deref(), Some("Asia/Tokyo"));
    assert_eq!(set(""), None);
    assert!(app.admin.set_time_zone("tje0", "XX-NOPE").is_err());
}
