//! SuperOffice's string enums: the values the pages list as variants, and
//! any other value the server sends kept in `Other`, so a new value never
//! fails a response. The enums are `#[non_exhaustive]`: a value the pages
//! add later becomes a variant without breaking a `match` (which has a `_`
//! arm).

/// Defines a string enum of the API: the listed variants with their wire
/// values, an `Other(String)` for values the documentation does not list,
/// `as_str`, `From<&str>`, `Display`, serde (as a plain string) and
/// [`QueryValue`](crate::runtime::QueryValue).
///
/// Generated code invokes it as `crate::string_enum!`; it names the
/// runtime as `$crate::runtime`, where the generated crate keeps it.
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value the documentation does not list.
            Other(::std::string::String),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(s) => s.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(::std::string::ToString::to_string(other)),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(Self::from(s.as_ref()))
            }
        }

        impl $crate::runtime::QueryValue for $name {
            fn to_query(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::string_enum! {
        /// A test enum.
        pub enum Colour {
            /// `Red`
            Red = "Red",
            /// `dark-blue`
            DarkBlue = "dark-blue",
        }
    }

    #[test]
    fn listed_and_unlisted_values() {
        let c: Colour = serde_json::from_str("\"dark-blue\"").unwrap();
        assert_eq!(c, Colour::DarkBlue);
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"dark-blue\"");
        let o: Colour = serde_json::from_str("\"Green\"").unwrap();
        assert_eq!(o, Colour::Other("Green".into()));
        assert_eq!(o.to_string(), "Green");
        assert_eq!(super::super::QueryValue::to_query(&Colour::Red), "Red");
    }
}
