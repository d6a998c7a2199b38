//! How carriers travel as JSON, written once here instead of derived per
//! struct: a carrier reads the fields it knows by their wire names, keeps
//! every other field in its `extra_fields`, and writes its set fields and
//! then its extra fields back. So a carrier read and saved back loses
//! nothing, and the generated code per struct is one line per field.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// Fields a carrier does not know, by wire name, as they came.
pub type ExtraFields = BTreeMap<String, serde_json::Value>;

/// A carrier: a struct of optional fields read from a JSON object.
pub trait Carrier: Default {
    /// The carrier's name, for errors.
    const NAME: &'static str;

    /// Reads the value of field `key` from `map`; `false` when the carrier
    /// has no such field (the value is then still unread).
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;

    /// Where fields the carrier does not know are kept.
    fn extra_fields(&mut self) -> &mut ExtraFields;

    /// The fields the carrier does not know, as they came.
    fn extra(&self) -> &ExtraFields;

    /// Writes the carrier's set fields (not its extra fields).
    fn write_fields<M: SerializeMap>(&self, w: &mut Writer<'_, M>) -> Result<(), M::Error>;
}

/// Writes a carrier as a JSON object: its set fields, then its extra fields.
pub fn serialize<T: Carrier, S: Serializer>(carrier: &T, s: S) -> Result<S::Ok, S::Error> {
    let mut w = Writer::new(s, carrier.extra())?;
    carrier.write_fields(&mut w)?;
    w.end()
}

/// Reads a carrier from a JSON object: known fields by wire name (`null`
/// and absence are `None`), unknown ones into its extra fields.
pub fn deserialize<'de, T: Carrier, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(CarrierVisitor(PhantomData))
}

struct CarrierVisitor<T>(PhantomData<T>);

impl<'de, T: Carrier> Visitor<'de> for CarrierVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut out = T::default();
        while let Some(key) = map.next_key_seed(Key)? {
            if !out.read_field(&key, &mut map)? {
                let value: serde_json::Value = map.next_value()?;
                out.extra_fields().insert(key.into_owned(), value);
            }
        }
        Ok(out)
    }
}

/// An object key, borrowed from the input when it can be.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Writes a carrier as a JSON object: its set fields (`None` is left
/// out), then its extra fields.
pub struct Writer<'a, M> {
    map: M,
    extra: &'a ExtraFields,
}

impl<'a, M: SerializeMap> Writer<'a, M> {
    /// Starts the object.
    pub fn new<S: Serializer<SerializeMap = M>>(
        s: S,
        extra: &'a ExtraFields,
    ) -> Result<Self, S::Error> {
        Ok(Writer {
            map: s.serialize_map(None)?,
            extra,
        })
    }

    /// Writes field `key` when it is set.
    pub fn field<T: Serialize>(
        &mut self,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), M::Error> {
        match value {
            Some(v) => self.map.serialize_entry(key, v),
            None => Ok(()),
        }
    }

    /// Writes the extra fields and ends the object.
    pub fn end(mut self) -> Result<M::Ok, M::Error> {
        for (k, v) in self.extra {
            self.map.serialize_entry(k, v)?;
        }
        self.map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Thing {
        id: Option<i32>,
        name: Option<String>,
        extra_fields: ExtraFields,
    }

    impl Carrier for Thing {
        const NAME: &'static str = "Thing";

        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            match key {
                "Id" => self.id = map.next_value()?,
                "Name" => self.name = map.next_value()?,
                _ => return Ok(false),
            }
            Ok(true)
        }

        fn extra_fields(&mut self) -> &mut ExtraFields {
            &mut self.extra_fields
        }

        fn extra(&self) -> &ExtraFields {
            &self.extra_fields
        }

        fn write_fields<M: SerializeMap>(&self, w: &mut Writer<'_, M>) -> Result<(), M::Error> {
            w.field("Id", &self.id)?;
            w.field("Name", &self.name)
        }
    }

    impl<'de> serde::Deserialize<'de> for Thing {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize(d)
        }
    }

    impl Serialize for Thing {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize(self, s)
        }
    }

    #[test]
    fn unknown_fields_are_kept_and_written_back() {
        let text = r#"{"Id":1,"IsSuperUser":true,"Name":null,"Plan":{"A":[1,2]}}"#;
        let t: Thing = serde_json::from_str(text).unwrap();
        assert_eq!(t.id, Some(1));
        assert_eq!(t.name, None);
        assert_eq!(t.extra_fields.len(), 2);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"Id":1,"IsSuperUser":true,"Plan":{"A":[1,2]}}"#
        );
    }

    #[test]
    fn errors_name_the_field() {
        let text = r#"{"Name":"x","Id":"not a number"}"#;
        let err = serde_json::from_str::<Thing>(text).unwrap_err();
        let path = super::super::jsonpath::path_at(text.as_bytes(), err.line(), err.column());
        assert_eq!(path, "Id");
        let err = serde_json::from_str::<Thing>("[1]").unwrap_err();
        assert!(err.to_string().contains("a Thing object"), "{err}");
    }
}
