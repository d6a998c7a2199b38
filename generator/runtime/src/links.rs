//! An entity as SuperOffice's REST endpoints answer it: the entity's
//! fields with its `_Links` (where to find related things) beside them.
//! [`WithLinks`] derefs to the entity, so an answer read from a `GET` goes
//! where the entity goes (a `PUT`'s body) with no conversion, and keeps
//! every field and unknown field it came with.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use serde::de::{Deserialize, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};

use super::carrier::{Carrier, Writer};

/// The wire name of the links.
pub const LINKS: &str = "_Links";

/// `T` with the `_Links` of the answer it was read from. Derefs to `T`:
/// `answer.name` is the entity's name, `&answer` goes where a `&T` does.
/// Written back, it writes `T`'s fields, the links and `T`'s unknown fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WithLinks<T, L = BTreeMap<String, String>> {
    /// The entity.
    pub entity: T,
    /// `_Links`: the links the server sent with it.
    pub links: Option<L>,
}

impl<T, L> WithLinks<T, L> {
    /// The entity, without its links.
    pub fn into_entity(self) -> T {
        self.entity
    }
}

impl<T, L> Deref for WithLinks<T, L> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.entity
    }
}

impl<T, L> DerefMut for WithLinks<T, L> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.entity
    }
}

impl<T, L> AsRef<T> for WithLinks<T, L> {
    fn as_ref(&self) -> &T {
        &self.entity
    }
}

impl<T, L> AsMut<T> for WithLinks<T, L> {
    fn as_mut(&mut self) -> &mut T {
        &mut self.entity
    }
}

impl<T, L> From<T> for WithLinks<T, L> {
    fn from(entity: T) -> Self {
        WithLinks {
            entity,
            links: None,
        }
    }
}

impl<'de, T: Carrier, L: DeserializeOwned> Deserialize<'de> for WithLinks<T, L> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(LinksVisitor(PhantomData))
    }
}

struct LinksVisitor<T, L>(PhantomData<(T, L)>);

impl<'de, T: Carrier, L: DeserializeOwned> Visitor<'de> for LinksVisitor<T, L> {
    type Value = WithLinks<T, L>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object with its links", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entity = T::default();
        let mut links = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == LINKS {
                links = map.next_value()?;
            } else if !entity.read_field(&key, &mut map)? {
                let value: serde_json::Value = map.next_value()?;
                entity.extra_fields().insert(key.into_owned(), value);
            }
        }
        Ok(WithLinks { entity, links })
    }
}

impl<T: Carrier, L: Serialize> Serialize for WithLinks<T, L> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut w = Writer::new(s, self.entity.extra())?;
        self.entity.write_fields(&mut w)?;
        w.field(LINKS, &self.links)?;
        w.end()
    }
}

#[cfg(test)]
mod tests {
    use super::super::carrier::{self, ExtraFields};
    use super::*;

    #[derive(Debug, Default, PartialEq, Clone)]
    struct Contact {
        id: Option<i32>,
        links: Option<Vec<String>>,
        extra_fields: ExtraFields,
    }

    impl Carrier for Contact {
        const NAME: &'static str = "Contact";

        fn read_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            match key {
                "Id" => self.id = map.next_value()?,
                "Links" => self.links = map.next_value()?,
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

        fn write_fields<M: serde::ser::SerializeMap>(
            &self,
            w: &mut Writer<'_, M>,
        ) -> Result<(), M::Error> {
            w.field("Id", &self.id)?;
            w.field("Links", &self.links)
        }
    }

    impl Serialize for Contact {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            carrier::serialize(self, s)
        }
    }

    #[test]
    fn read_changed_and_written_back_as_its_entity() {
        // The entity has a `Links` of its own beside the answer's `_Links`.
        let text = r#"{"Id":5,"Links":["a"],"_Links":{"Self":"/Contact/5"},"Unlisted":true}"#;
        let mut answer: WithLinks<Contact> = serde_json::from_str(text).expect("decodes");
        assert_eq!(answer.id, Some(5), "derefs to the entity");
        assert_eq!(answer.entity.links.as_deref(), Some(&["a".to_string()][..]));
        assert_eq!(
            answer.links.as_ref().map(|l| l["Self"].as_str()),
            Some("/Contact/5")
        );
        answer.id = Some(6);
        fn put(c: &Contact) -> String {
            serde_json::to_string(c).expect("encodes")
        }
        assert_eq!(put(&answer), r#"{"Id":6,"Links":["a"],"Unlisted":true}"#);
        assert_eq!(
            serde_json::to_string(&answer).expect("encodes"),
            r#"{"Id":6,"Links":["a"],"_Links":{"Self":"/Contact/5"},"Unlisted":true}"#
        );
    }
}
