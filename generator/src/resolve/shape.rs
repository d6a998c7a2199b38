//! What sample JSON says about a type: the JSON kinds seen at each place,
//! merged over every sample that shows it.

use std::collections::BTreeMap;

use serde_json::Value;

/// The merged kind of the values seen at one place.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Shape {
    /// Nothing but `null` (or nothing) was seen.
    #[default]
    Unknown,
    Bool,
    Int,
    Float,
    String,
    /// A string that parses as a date-time.
    DateTime,
    Array(Box<Shape>),
    Object(ObjectShape),
    /// Kinds that do not merge (a number here, a string there).
    Mixed,
}

/// The fields of the objects seen at one place, in first-seen order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectShape {
    pub fields: Vec<(String, Shape)>,
}

impl ObjectShape {
    pub fn get(&self, key: &str) -> Option<&Shape> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, s)| s)
    }

    pub fn merge(&mut self, other: &ObjectShape) {
        for (k, s) in &other.fields {
            match self.fields.iter_mut().find(|(key, _)| key == k) {
                Some((_, mine)) => mine.merge(s),
                None => self.fields.push((k.clone(), s.clone())),
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

fn looks_like_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[..4].iter().all(u8::is_ascii_digit)
}

impl Shape {
    pub fn of(v: &Value) -> Shape {
        match v {
            Value::Null => Shape::Unknown,
            Value::Bool(_) => Shape::Bool,
            Value::Number(n) if n.is_f64() => Shape::Float,
            Value::Number(_) => Shape::Int,
            Value::String(s) if looks_like_date_time(s) => Shape::DateTime,
            Value::String(_) => Shape::String,
            Value::Array(items) => {
                let mut item = Shape::Unknown;
                for i in items {
                    item.merge(&Shape::of(i));
                }
                Shape::Array(Box::new(item))
            }
            Value::Object(map) => Shape::Object(ObjectShape {
                fields: map.iter().map(|(k, v)| (k.clone(), Shape::of(v))).collect(),
            }),
        }
    }

    /// Folds another observation of the same place into this one.
    pub fn merge(&mut self, other: &Shape) {
        let merged = match (std::mem::take(self), other) {
            (s, Shape::Unknown) => s,
            (Shape::Unknown, o) => o.clone(),
            (Shape::Int, Shape::Float) | (Shape::Float, Shape::Int) => Shape::Float,
            (Shape::DateTime, Shape::String) | (Shape::String, Shape::DateTime) => Shape::String,
            (Shape::Array(mut a), Shape::Array(b)) => {
                a.merge(b);
                Shape::Array(a)
            }
            (Shape::Object(mut a), Shape::Object(b)) => {
                a.merge(b);
                Shape::Object(a)
            }
            (a, b) if a == *b => a,
            _ => Shape::Mixed,
        };
        *self = merged;
    }

    /// The object shape, when this is one.
    pub fn object(&self) -> Option<&ObjectShape> {
        match self {
            Shape::Object(o) => Some(o),
            _ => None,
        }
    }
}

/// Object shapes keyed by type name.
pub type Observations = BTreeMap<String, ObjectShape>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_kinds() {
        let mut s = Shape::of(&json!([{"A": 1, "B": null}, {"A": 2.5, "B": "x", "C": []}]));
        let Shape::Array(item) = &s else { panic!() };
        let o = item.object().expect("object");
        assert_eq!(o.get("A"), Some(&Shape::Float));
        assert_eq!(o.get("B"), Some(&Shape::String));
        assert_eq!(o.get("C"), Some(&Shape::Array(Box::new(Shape::Unknown))));
        s.merge(&Shape::Bool);
        assert_eq!(s, Shape::Mixed);
        assert_eq!(
            Shape::of(&json!("2019-11-18T03:40:48.1879959+01:00")),
            Shape::DateTime
        );
    }
}
