//! Receiving SuperOffice's webhooks (the `webhooks` feature), in any web
//! framework: it takes the body bytes and the header values, nothing else.
//!
//! SuperOffice POSTs a JSON event to the webhook's URL with the headers
//! `X-SuperOffice-Event` (`contact.changed`, …), `X-SuperOffice-EventId`,
//! `X-SuperOffice-Retry` (how many times it was sent before) and, when the
//! webhook has a secret, `X-SuperOffice-Signature`: base64 of the
//! HMAC-SHA256 of the raw body, keyed with the secret's UTF-8 bytes.
//! [`Webhook::receive`] checks the signature over the body exactly as it
//! came (in constant time; a body parsed and written again does not pass)
//! and reads the event. There is no timestamp in the signature: a receiver
//! deduplicates on [`WebhookEvent::event_id`].
//!
//! ```ignore
//! // axum
//! async fn hook(State(hook): State<Arc<Webhook>>, headers: HeaderMap, body: Bytes) -> StatusCode {
//!     match hook.receive(&body, &WebhookHeaders::from_header_map(&headers)) {
//!         Ok(delivery) => { queue(delivery.event); StatusCode::OK }
//!         Err(_) => StatusCode::UNAUTHORIZED,
//!     }
//! }
//! ```

use std::collections::BTreeMap;

use aws_lc_rs::hmac;
use base64::Engine as _;

use super::datetime::DateTime;
pub use super::error::WebhookError;

/// The headers SuperOffice sends with an event.
pub const EVENT: &str = "X-SuperOffice-Event";
/// See [`EVENT`].
pub const EVENT_ID: &str = "X-SuperOffice-EventId";
/// See [`EVENT`].
pub const RETRY: &str = "X-SuperOffice-Retry";
/// See [`EVENT`].
pub const SIGNATURE: &str = "X-SuperOffice-Signature";

/// A webhook's secret, for checking what arrives.
pub struct Webhook {
    key: hmac::Key,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Webhook(***)")
    }
}

impl Webhook {
    /// A webhook whose secret is `secret` (as registered with SuperOffice).
    pub fn new(secret: &str) -> Self {
        Webhook {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes()),
        }
    }

    /// Checks `signature` (the `X-SuperOffice-Signature` value) against
    /// the raw `body`, in constant time.
    pub fn verify(&self, body: &[u8], signature: Option<&str>) -> Result<(), WebhookError> {
        let signature = signature.ok_or(WebhookError::MissingSignature)?;
        let tag = base64::engine::general_purpose::STANDARD
            .decode(signature.trim())
            .map_err(|_| WebhookError::MalformedSignature)?;
        hmac::verify(&self.key, body, &tag).map_err(|_| WebhookError::BadSignature)
    }

    /// Checks the signature, then reads the event.
    pub fn receive(&self, body: &[u8], headers: &WebhookHeaders) -> Result<Delivery, WebhookError> {
        self.verify(body, headers.signature.as_deref())?;
        Ok(Delivery {
            event: parse_event(body)?,
            retry: headers.retry(),
            event_header: headers.event.clone(),
        })
    }
}

/// The header values of a delivery, as a framework gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookHeaders {
    /// `X-SuperOffice-Event`, e.g. `contact.changed`.
    pub event: Option<String>,
    /// `X-SuperOffice-EventId`.
    pub event_id: Option<String>,
    /// `X-SuperOffice-Retry`, as sent.
    pub retry: Option<String>,
    /// `X-SuperOffice-Signature`.
    pub signature: Option<String>,
}

impl WebhookHeaders {
    /// The headers, from a function that gives a header's value by name
    /// (any framework's header map).
    pub fn from_fn<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let own = |name: &str| get(name).map(str::to_string);
        WebhookHeaders {
            event: own(EVENT),
            event_id: own(EVENT_ID),
            retry: own(RETRY),
            signature: own(SIGNATURE),
        }
    }

    /// The headers, from an `http` header map (axum, hyper, reqwest). A
    /// signature that is not text is kept as read (so it fails as
    /// malformed, not as missing).
    pub fn from_header_map(headers: &reqwest::header::HeaderMap) -> Self {
        let mut read = Self::from_fn(|name| headers.get(name).and_then(|v| v.to_str().ok()));
        read.signature = headers
            .get(SIGNATURE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        read
    }

    /// How many times SuperOffice sent the event before (`0` the first
    /// time; `None` when the header is missing or not a number).
    pub fn retry(&self) -> Option<u32> {
        self.retry.as_deref()?.trim().parse().ok()
    }
}

/// An event that arrived and whose signature checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The event.
    pub event: WebhookEvent,
    /// `X-SuperOffice-Retry`.
    pub retry: Option<u32>,
    /// `X-SuperOffice-Event`.
    pub event_header: Option<String>,
}

/// What SuperOffice sends: which entity changed, how, when and by whom.
/// Fields it adds later are kept in `other_fields`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
pub struct WebhookEvent {
    /// `EventId`: unique per event (deduplicate on it; retries repeat it).
    #[serde(rename = "EventId")]
    pub event_id: String,
    /// `Timestamp`: when it happened.
    #[serde(rename = "Timestamp")]
    pub timestamp: Option<DateTime>,
    /// `Event`, e.g. `contact.changed`.
    #[serde(rename = "Event")]
    pub event: String,
    /// `Entity`, e.g. `contact`.
    #[serde(rename = "Entity", default)]
    pub entity: Option<String>,
    /// `PrimaryKey`: the changed entity's id.
    #[serde(rename = "PrimaryKey", default)]
    pub primary_key: Option<i64>,
    /// `Changes`: the names of the fields that changed.
    #[serde(rename = "Changes", default)]
    pub changes: Vec<String>,
    /// `FieldValues`: the entity's field values, by name.
    #[serde(rename = "FieldValues", default)]
    pub field_values: BTreeMap<String, serde_json::Value>,
    /// `ContextIdentifier`: the tenant, e.g. `Cust12345`.
    #[serde(rename = "ContextIdentifier", default)]
    pub context_identifier: Option<String>,
    /// `ChangedByAssociateId`: who changed it.
    #[serde(rename = "ChangedByAssociateId", default)]
    pub changed_by_associate_id: Option<i64>,
    /// `WebhookName`: the webhook's name.
    #[serde(rename = "WebhookName", default)]
    pub webhook_name: Option<String>,
    /// Fields the documentation does not list.
    #[serde(flatten)]
    pub other_fields: BTreeMap<String, serde_json::Value>,
}

/// Reads an event from a body (after its signature was checked, or for a
/// webhook without a secret).
pub fn parse_event(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    serde_json::from_slice(body).map_err(WebhookError::Body)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body and its signature with the secret `s3cret`, computed apart
    /// from this code (`printf '%s' "$BODY" | openssl dgst -sha256 -hmac
    /// s3cret -binary | base64`).
    const BODY: &str = r#"{"EventId":"9f0e","Timestamp":"2026-12-01T10:15:00","Event":"contact.changed","Entity":"contact","PrimaryKey":42,"Changes":["name"],"FieldValues":{"name":"ACME","contact_id":42},"ContextIdentifier":"Cust12345","ChangedByAssociateId":7,"WebhookName":"crm-sync","Extra":true}"#;
    const SIGNED: &str = "Z8Km3HgGgribd3dEhOAcji2nJ7b0N3Q0ZfYjlS/2FS4=";

    fn headers(signature: Option<&str>) -> WebhookHeaders {
        WebhookHeaders {
            event: Some("contact.changed".into()),
            event_id: Some("9f0e".into()),
            retry: Some("0".into()),
            signature: signature.map(str::to_string),
        }
    }

    #[test]
    fn a_body_signed_with_the_secret_is_received() {
        let d = Webhook::new("s3cret")
            .receive(BODY.as_bytes(), &headers(Some(SIGNED)))
            .expect("received");
        assert_eq!(d.event.event_id, "9f0e");
        assert_eq!(d.retry, Some(0));
    }

    #[test]
    fn anything_else_is_refused() {
        let hook = Webhook::new("s3cret");
        let tampered = BODY.replace("ACME", "ACMF");
        assert_eq!(
            hook.receive(tampered.as_bytes(), &headers(Some(SIGNED)))
                .err(),
            Some(WebhookError::BadSignature)
        );
        assert_eq!(
            Webhook::new("another").verify(BODY.as_bytes(), Some(SIGNED)),
            Err(WebhookError::BadSignature)
        );
        // The same event, parsed and written again: other bytes, refused.
        let again = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(BODY).expect("json"),
        )
        .expect("json");
        assert_ne!(again, BODY);
        assert_eq!(
            hook.verify(again.as_bytes(), Some(SIGNED)),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            hook.receive(BODY.as_bytes(), &headers(None)).err(),
            Some(WebhookError::MissingSignature)
        );
        assert_eq!(
            hook.verify(BODY.as_bytes(), Some("not base64!")),
            Err(WebhookError::MalformedSignature)
        );
        assert!(!format!("{hook:?}").contains("s3cret"));
    }

    #[test]
    fn the_event_reads_typed_and_keeps_what_it_does_not_list() {
        let e = parse_event(BODY.as_bytes()).expect("event");
        assert_eq!(
            (e.event.as_str(), e.primary_key),
            ("contact.changed", Some(42))
        );
        assert_eq!(e.field_values["name"], serde_json::json!("ACME"));
        assert_eq!(e.changed_by_associate_id, Some(7));
        assert_eq!(
            e.timestamp.map(|t| t.to_string()).as_deref(),
            Some("2026-12-01T10:15:00")
        );
        assert_eq!(e.other_fields["Extra"], serde_json::json!(true));
    }

    #[test]
    fn headers_are_read_by_name() {
        let h = WebhookHeaders::from_fn(|n| match n {
            "X-SuperOffice-Retry" => Some(" 2 "),
            "X-SuperOffice-Event" => Some("contact.changed"),
            _ => None,
        });
        assert_eq!(h.retry(), Some(2));
        assert_eq!(h.event.as_deref(), Some("contact.changed"));
        assert_eq!(h.signature, None);
    }

    #[test]
    fn a_signature_header_that_is_not_text_is_malformed_not_missing() {
        let mut map = reqwest::header::HeaderMap::new();
        map.insert(
            reqwest::header::HeaderName::from_bytes(SIGNATURE.as_bytes()).expect("name"),
            reqwest::header::HeaderValue::from_bytes(b"\xffsig").expect("opaque bytes"),
        );
        let h = WebhookHeaders::from_header_map(&map);
        let hook = Webhook::new("s3cret");
        assert!(matches!(
            hook.verify(b"{}", h.signature.as_deref()),
            Err(WebhookError::MalformedSignature)
        ));
    }
}
