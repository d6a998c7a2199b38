//! SuperOffice's date-times, as the server really sends them.
//!
//! The documentation shows `2019-11-18T03:40:48.1879959+01:00`, but the
//! server also sends local times without an offset
//! (`2023-05-02T10:00:00`), offsets without a colon (`-0500`), and
//! `0001-01-01T00:00:00` for "no date". [`DateTime`] reads all of them and
//! writes them back exactly as they came, so a carrier read and saved back
//! changes nothing; [`DateTime::is_empty_marker`] tells the "no date" value
//! (and [`nullable`] reads it as `None` where a caller prefers that).

use std::fmt;

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date and time, with the UTC offset when the server gave one.
///
/// Equality and hashing compare the time and offset, not the text form.
#[derive(Debug, Clone)]
pub struct DateTime {
    local: NaiveDateTime,
    offset: Option<FixedOffset>,
    /// The text it was parsed from, written back unchanged.
    source: Option<Box<str>>,
}

impl PartialEq for DateTime {
    fn eq(&self, other: &Self) -> bool {
        self.local == other.local && self.offset == other.offset
    }
}

impl Eq for DateTime {}

impl std::hash::Hash for DateTime {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.local.hash(state);
        self.offset.hash(state);
    }
}

impl DateTime {
    /// A date-time at a known offset.
    pub fn with_offset(dt: chrono::DateTime<FixedOffset>) -> Self {
        DateTime {
            local: dt.naive_local(),
            offset: Some(*dt.offset()),
            source: None,
        }
    }

    /// A wall-clock time without an offset (the server's local time).
    pub fn local(local: NaiveDateTime) -> Self {
        DateTime {
            local,
            offset: None,
            source: None,
        }
    }

    /// The wall-clock date and time as written.
    pub fn naive_local(&self) -> NaiveDateTime {
        self.local
    }

    /// The UTC offset, when the server sent one.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// The instant, when the offset is known.
    pub fn to_fixed_offset(&self) -> Option<chrono::DateTime<FixedOffset>> {
        let offset = self.offset?;
        offset.from_local_datetime(&self.local).single()
    }

    /// `0001-01-01T00:00:00`: SuperOffice's "no date".
    pub fn is_empty_marker(&self) -> bool {
        self.local.and_utc().timestamp() == YEAR_ONE_SECS
            && self.local.and_utc().timestamp_subsec_nanos() == 0
    }

    /// Parses every form listed in the module docs; the value is written
    /// back (by `Display` and serde) exactly as `text`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut dt = Self::parse_form(text)?;
        dt.source = Some(text.into());
        Ok(dt)
    }

    fn parse_form(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
            return Ok(DateTime::with_offset(dt));
        }
        if let Ok(dt) = chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
            return Ok(DateTime::with_offset(dt));
        }
        let naive = s.strip_suffix('Z').unwrap_or(s);
        for fmt in [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(local) = NaiveDateTime::parse_from_str(naive, fmt) {
                let offset = (naive.len() != s.len())
                    .then(|| FixedOffset::east_opt(0))
                    .flatten();
                return Ok(DateTime {
                    local,
                    offset,
                    source: None,
                });
            }
        }
        if let Ok(date) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(DateTime::local(date.and_time(chrono::NaiveTime::MIN)));
        }
        Err(format!("`{s}` is not a date-time"))
    }
}

/// `0001-01-01T00:00:00` as seconds since the Unix epoch.
const YEAR_ONE_SECS: i64 = -62_135_596_800;

impl fmt::Display for DateTime {
    /// The text it was read from; else RFC 3339, with as many fraction
    /// digits as needed (none for whole seconds) and the offset only when
    /// known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(text) = &self.source {
            return f.write_str(text);
        }
        write!(f, "{}", self.local.format("%Y-%m-%dT%H:%M:%S"))?;
        let nanos = self.local.and_utc().timestamp_subsec_nanos();
        if nanos > 0 {
            let digits = format!("{nanos:09}");
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        if let Some(o) = self.offset {
            let secs = o.local_minus_utc();
            let sign = if secs < 0 { '-' } else { '+' };
            let secs = secs.abs();
            write!(f, "{sign}{:02}:{:02}", secs / 3600, (secs % 3600) / 60)?;
        }
        Ok(())
    }
}

impl std::str::FromStr for DateTime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        DateTime::parse(s)
    }
}

impl<Tz: TimeZone> From<chrono::DateTime<Tz>> for DateTime {
    fn from(dt: chrono::DateTime<Tz>) -> Self {
        DateTime::with_offset(dt.fixed_offset())
    }
}

impl From<NaiveDateTime> for DateTime {
    fn from(local: NaiveDateTime) -> Self {
        DateTime::local(local)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        DateTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// For `Option<DateTime>` carrier fields: `null`, absence and
/// `0001-01-01T00:00:00` all read as `None`.
pub fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
    let v = Option::<DateTime>::deserialize(d)?;
    Ok(v.filter(|dt| !dt.is_empty_marker()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(s: &str) -> String {
        DateTime::parse(s).expect(s).to_string()
    }

    #[test]
    fn documented_form_round_trips() {
        assert_eq!(
            round("2019-11-18T03:40:48.1879959+01:00"),
            "2019-11-18T03:40:48.1879959+01:00"
        );
    }

    #[test]
    fn forms_the_server_sends() {
        assert_eq!(round("2023-05-02T10:00:00"), "2023-05-02T10:00:00");
        // Written back exactly as read.
        for form in [
            "2023-05-02T10:00:00-0500",
            "2023-05-02T10:00:00Z",
            "2023-05-02",
            "2023-05-02 10:00:00.50",
            "0001-01-01T00:00:00",
        ] {
            assert_eq!(round(form), form);
        }
        // Built from chrono: RFC 3339.
        let built = DateTime::local(
            DateTime::parse("2023-05-02T10:00:00.500")
                .expect("parses")
                .naive_local(),
        );
        assert_eq!(built.to_string(), "2023-05-02T10:00:00.5");
        assert_eq!(
            DateTime::parse("2023-05-02T10:00:00Z").expect("Z"),
            DateTime::parse("2023-05-02T10:00:00+00:00").expect("+00:00"),
            "equal instants in different forms are equal"
        );
        let dt = DateTime::parse("2023-05-02T10:00:00-0500").expect("parses");
        assert_eq!(
            dt.to_fixed_offset().map(|d| d.to_rfc3339()),
            Some("2023-05-02T10:00:00-05:00".into())
        );
        assert!(DateTime::parse("tomorrow").is_err());
    }

    #[test]
    fn year_one_means_no_date() {
        #[derive(Deserialize)]
        struct C {
            #[serde(default, deserialize_with = "nullable")]
            at: Option<DateTime>,
        }
        let c: C = serde_json::from_str(r#"{"at":"0001-01-01T00:00:00"}"#).expect("json");
        assert_eq!(c.at, None);
        let c: C = serde_json::from_str(r#"{"at":null}"#).expect("json");
        assert_eq!(c.at, None);
        let c: C = serde_json::from_str(r#"{}"#).expect("json");
        assert_eq!(c.at, None);
        let c: C = serde_json::from_str(r#"{"at":"2001-02-03T04:05:06"}"#).expect("json");
        assert!(c.at.is_some());
    }
}
