//! Demo data for a new database: the seed's agent `tje0` (password `Tje0`), a second agent,
//! three topics (one with a multi-language welcome, one without a welcome), CRM records, and
//! a queue with a session linked to every kind of record plus one a chatbot is handling.
//! List texts (categories, statuses, priorities) are string references, as in SuperOffice, so
//! `SO-Language` shows them translated; `ana0` reads times in Norwegian time.

use chrono::Duration;

use crate::auth::password;
use crate::store::admin::{Admin, AdminError, Links, NewSession, NewTopic, Rights};
use crate::time::Timestamp;

/// CRM records the demo sessions link to; associate 1 is `tje0`. Written for both backends:
/// date-times are UTC text (PostgreSQL sessions run in UTC), and no column here is a bit.
const CRM: &str = r#"
INSERT INTO contact (contact_id, name, department, orgnr, url, phone, email, associate_id, country_id,
    country_name, business_name, category_name, postal_address1, postal_zipcode, postal_city,
    street_address1, street_zipcode, street_city)
VALUES (1, 'Kuhn Group', 'Purchasing', '912345678', 'https://kuhn.example', '+47 22 00 00 00',
        'post@kuhn.example', 1, 578, 'Norway', 'Retail', '[SR_CATEGORY_CUSTOMER]', 'Postboks 12', '0101', 'Oslo',
        'Storgata 1', '0155', 'Oslo'),
       (2, 'Nordlys AS', '', '987654321', '', '+47 55 00 00 00', 'post@nordlys.example', 1, 578,
        'Norway', 'Energy', '[SR_CATEGORY_PROSPECT]', '', '5003', 'Bergen', 'Bryggen 3', '5003', 'Bergen');
INSERT INTO person (person_id, contact_id, firstname, lastname, mrmrs, title, position, email,
    direct_phone, mobile_phone, associate_id, country_id)
VALUES (1, 1, 'Mathias', 'Wilderman', 'Mr.', 'Head of purchasing', 'Manager',
        'mathias@wildermankessler.example', '+47 22 00 00 01', '+47 900 00 001', 1, 578),
       (2, 2, 'Kari', 'Nordmann', 'Ms.', '', 'Engineer', 'kari@nordlys.example', '', '+47 900 00 002', 1, 578);
INSERT INTO project (project_id, name, description, type_name, associate_id, status_name, project_number, start_date)
VALUES (1, 'Web shop launch', 'New web shop for Kuhn Group', 'Implementation', 1, '[SR_PROJECT_STATUS_IN_PROGRESS]', 'P-1001',
        '2026-09-01 08:00:00.000000');
INSERT INTO sale (sale_id, heading, saledate, probability, amount, earning, currency, status, completed,
    contact_id, person_id, project_id, associate_id, sale_type_name, number1)
VALUES (1, 'Spring order', '2026-12-15 12:00:00.000000', 60, 125000, 30000, 'NOK', 1, 1, 1, 1, 1, 1,
        'Hardware', 'S-2001');
INSERT INTO ticket (id, title, created_at, created_by, author, owned_by, category_name, priority_name,
    base_status, ticket_status_name, origin, cust_id, sale_id, project_id, num_messages)
VALUES (1, 'Order 1001 arrived damaged', '2026-11-20 09:30:00.000000', 1, 'Mathias Wilderman', 1,
        'US:"Complaints";NO:"Reklamasjoner";GE:"Beschwerden";SW:"Reklamationer";', '[SR_PRIORITY_HIGH]', 1, '[SR_TICKET_STATUS_OPEN]', 1, 1, 1, 1, 2);
"#;

/// Seeds the demo into `store` if it has no associates yet; `false` if it had data already.
pub fn seed(store: &dyn Admin) -> Result<bool, AdminError> {
    seed_at(store, Timestamp::now())
}

/// [`seed`] with the queue's customers asking in the minutes before `now`: the same `now`
/// gives the same data on either backend (the session keys aside, which are random).
pub fn seed_at(store: &dyn Admin, now: Timestamp) -> Result<bool, AdminError> {
    if !store.has_no_associates()? {
        return Ok(false);
    }
    store.add_associate("tje0", "Thomas Jensen", &password::hash("Tje0"))?;
    store.add_associate("ana0", "Ana Nilsen", &password::hash("Ana0"))?;
    store.set_time_zone("ana0", "NO")?;
    store.run_script(CRM)?;
    add_topics(store)?;
    add_queue(store, now)?;
    Ok(true)
}

fn add_topics(store: &dyn Admin) -> Result<(), AdminError> {
    let sales = "Hello, this is Sales - what can we do for you?";
    let support = r#"US:"Welcome! How can we help?";NO:"Velkommen! Hva kan vi hjelpe med?""#;
    store.add_topic(&NewTopic::new("Sales", sales).in_language("US"))?;
    store.add_topic(&NewTopic::new("Support", support).in_language("NO"))?;
    store.add_topic(&NewTopic::new("Billing", "").in_language("US"))?;
    let all = Rights {
        listen: true,
        respond: true,
        manage: false,
        notify: true,
    };
    for topic in ["Sales", "Support", "Billing"] {
        store.add_member("tje0", topic, all)?;
    }
    store.add_member("ana0", "Support", all)?;
    Ok(())
}

fn add_queue(store: &dyn Admin, now: Timestamp) -> Result<(), AdminError> {
    let linked = Links {
        person: Some(1),
        contact: Some(1),
        project: Some(1),
        sale: Some(1),
        ticket: Some(1),
    };
    let sessions = [
        session(
            "Sales",
            "Mathias Wilderman",
            "mathias@wildermankessler.example",
            "My order arrived damaged.",
            linked,
        ),
        NewSession {
            chatbot_active: true,
            ..session(
                "Support",
                "Jonas Berg",
                "jonas@example.com",
                "hello bot",
                Links::default(),
            )
        },
        session(
            "Support",
            "Kari Nordmann",
            "kari@nordlys.example",
            "Skriveren min virker ikke.",
            Links {
                person: Some(2),
                contact: Some(2),
                ..Links::default()
            },
        ),
        session(
            "Billing",
            "Ola Hansen",
            "ola@example.com",
            "My invoice looks wrong.",
            Links::default(),
        ),
        session(
            "Sales",
            "Emma Stone",
            "emma@example.com",
            "Do you ship to Iceland?",
            Links::default(),
        ),
    ];
    let count = sessions.len() as i64;
    for (index, new) in (0..).zip(sessions.iter()) {
        let requested = Timestamp::from_utc(now.utc() - Duration::minutes(count - index));
        store.enqueue(new, requested)?;
    }
    Ok(())
}

fn session(topic: &str, name: &str, email: &str, message: &str, links: Links) -> NewSession {
    NewSession {
        topic: topic.into(),
        customer_name: name.into(),
        email: email.into(),
        first_message: message.into(),
        links,
        ..NewSession::default()
    }
}
