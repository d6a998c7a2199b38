//! Samples → observed shapes: the second stage of resolving.
//!
//! Every sample body is walked alongside the documented carrier it
//! belongs to (and the documented carriers its properties hold), merging
//! the JSON kinds seen for each field. Observing decides no types: it
//! only says what the samples show.

use serde_json::Value;

use crate::ir::{Endpoint, SampleBody};

use super::carriers::{carrier_of, Carriers};
use super::names::carrier_name;
use super::shape::{Observations, Shape};

/// The JSON of one endpoint's samples, `null` and non-JSON as `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleJson {
    pub request: Option<Value>,
    pub response: Option<Value>,
}

fn json_of(body: &SampleBody) -> Option<Value> {
    body.json().filter(|v| !v.is_null())
}

impl SampleJson {
    /// The sample JSON of `e`, parsed once.
    pub fn of(e: &Endpoint) -> SampleJson {
        let json = |m: Option<Option<&SampleBody>>| m.flatten().and_then(json_of);
        SampleJson {
            request: json(e.sample_request.message().map(|s| s.body.as_ref())),
            response: json(e.sample_response.message().map(|s| s.body.as_ref())),
        }
    }
}

/// The shapes samples show for each documented carrier.
pub fn observe(
    endpoints: &[Endpoint],
    samples: &[SampleJson],
    carriers: &Carriers,
) -> Observations {
    let mut obs = Observations::new();
    for (e, s) in endpoints.iter().zip(samples) {
        if let (Some(name), Some(v)) = (carriers.response_names.get(&e.uid), &s.response) {
            walk(carriers, &mut obs, name, v);
        }
        if let (Some(name), Some(v)) = (carriers.request_names.get(&e.uid), &s.request) {
            walk(carriers, &mut obs, name, v);
        }
    }
    obs
}

/// Records the shape of `v` as an instance of carrier `name`, and of its
/// fields that are documented carriers, recursively.
fn walk(carriers: &Carriers, obs: &mut Observations, name: &str, v: &Value) {
    match v {
        Value::Array(items) => {
            for i in items {
                walk(carriers, obs, name, i);
            }
        }
        Value::Object(map) => {
            if let Shape::Object(o) = Shape::of(v) {
                obs.entry(name.to_string()).or_default().merge(&o);
            }
            let Some(d) = carriers.documented.get(name) else {
                return;
            };
            for (k, val) in map {
                let Some((p, _)) = d.props.iter().find(|(p, _)| &p.name == k) else {
                    continue;
                };
                if let Some(c) = carrier_of(&p.ty).map(carrier_name) {
                    if carriers.documented.contains_key(&c) {
                        walk(carriers, obs, &c, val);
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{DocType, Property};
    use crate::resolve::carriers::Documented;
    use serde_json::json;

    fn prop(name: &str, ty: DocType) -> (Property, String) {
        (
            Property {
                name: name.into(),
                ty,
                description: None,
                line: 1,
            },
            "p.md".into(),
        )
    }

    #[test]
    fn nested_documented_carriers_are_observed_under_their_own_name() {
        let mut carriers = Carriers::default();
        carriers.documented.insert(
            "Sale".into(),
            Documented {
                props: vec![
                    prop("Id", DocType::Int32),
                    prop("Person", DocType::Carrier("Person".into())),
                ],
                pages: vec![],
            },
        );
        carriers.documented.insert(
            "Person".into(),
            Documented {
                props: vec![prop("Id", DocType::Int32)],
                pages: vec![],
            },
        );
        let mut obs = Observations::new();
        walk(
            &carriers,
            &mut obs,
            "Sale",
            &json!([{"Id": 1, "Person": {"Id": 2, "Firstname": "A"}}]),
        );
        assert_eq!(obs["Sale"].get("Id"), Some(&Shape::Int));
        let person: Vec<&str> = obs["Person"]
            .fields
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(person, ["Id", "Firstname"]);
    }

    #[test]
    fn requests_and_answers_are_observed_under_their_pages_carriers() {
        let mut carriers = Carriers::default();
        carriers.documented.insert(
            "Sale".into(),
            Documented {
                props: vec![prop("Id", DocType::Int32), prop("Notes", DocType::String)],
                pages: vec![],
            },
        );
        carriers
            .response_names
            .insert("v1SaleAgent_GetSale".into(), "Sale".into());
        carriers
            .request_names
            .insert("v1SaleAgent_SaveSale".into(), "Sale".into());
        let page = |uid: &str| {
            crate::resolve::fixtures::endpoint(&format!(
            "---\nuid: {uid}\n---\n\n```http\nPOST /api/v1/Agents/Sale/X\n```\n\n## Response:\n\n{}",
            crate::resolve::fixtures::RESPONSES
        ))
        };
        let eps = [
            page("v1SaleAgent_GetSale"),
            page("v1SaleAgent_SaveSale"),
            page("v1SaleAgent_Other"),
        ];
        let samples = [
            SampleJson {
                request: None,
                response: Some(json!({"Id": 1})),
            },
            SampleJson {
                request: Some(json!({"Notes": "n", "Extra": true})),
                response: None,
            },
            // No carrier: not observed.
            SampleJson {
                request: Some(json!({"Other": 1})),
                response: Some(json!({"Other": 1})),
            },
        ];
        let obs = observe(&eps, &samples, &carriers);
        let fields: Vec<&str> = obs["Sale"].fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(fields, ["Id", "Notes", "Extra"]);
        assert_eq!(obs.len(), 1, "{obs:?}");
    }

    #[test]
    fn a_null_sample_body_shows_nothing() {
        let e = crate::resolve::fixtures::endpoint(&format!(
            "---\nuid: v1X_Y\n---\n\n```http\nGET /api/v1/X\n```\n\n## Response:\n\n{}## Sample response\n\n```http_\nHTTP/1.1 200 OK\n\nnull\n```\n",
            crate::resolve::fixtures::RESPONSES
        ));
        assert_eq!(SampleJson::of(&e), SampleJson::default());
    }
}
