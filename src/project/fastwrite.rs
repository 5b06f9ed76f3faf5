//! A fast writer for project files: a serde serializer that writes exactly the text
//! [`super::format::to_ron_string`] gets from `ron`'s pretty printer followed by its readable
//! unescaping, but in one pass (`ron` escapes every character through `char::escape_debug`,
//! which dominates saving a large corpus). Whatever it does not write itself (floats, tuples,
//! newtypes…) is an error, and the caller then uses `ron`; tests check both give the same bytes.

use serde::ser::{self, Serialize};

use super::format::keep_escaped;

/// Why the fast writer gave up (the caller falls back to `ron`).
#[derive(Debug)]
pub struct WriteError(String);

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        WriteError(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, WriteError>;

/// `value` as the pretty RON Qalam writes: four-space indentation, `\n` line ends, one line
/// per item down to nesting depth `depth_limit`, deeper values on one line.
pub fn to_string<T: Serialize>(value: &T, depth_limit: usize, capacity: usize) -> Result<String> {
    let mut w = Writer {
        out: String::with_capacity(capacity),
        indent: 0,
        limit: depth_limit,
    };
    value.serialize(&mut w)?;
    Ok(w.out)
}

struct Writer {
    out: String,
    indent: usize,
    limit: usize,
}

impl Writer {
    fn spaces(&mut self, n: usize) {
        for _ in 0..n {
            self.out.push_str("    ");
        }
    }

    /// Opens a container with `open`; `empty` when it will hold nothing.
    fn open(&mut self, open: char, empty: bool) -> Compound<'_> {
        self.out.push(open);
        self.indent += 1;
        if self.indent <= self.limit && !empty {
            self.out.push('\n');
        }
        Compound {
            w: self,
            first: true,
            empty,
        }
    }

    /// The string with `"` and `\` escaped, line ends and tabs as escapes, and invisible
    /// characters (direction marks, joiners, controls) as `\u{…}`, everything else as it is.
    fn string(&mut self, s: &str) {
        self.out.push('"');
        let plain =
            |c: char| !matches!(c, '"' | '\\' | '\n' | '\r' | '\t' | '\0') && !keep_escaped(c);
        let mut rest = s;
        while let Some((i, c)) = rest.char_indices().find(|(_, c)| !plain(*c)) {
            self.out.push_str(&rest[..i]);
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\0' => self.out.push_str("\\0"),
                // As `char::escape_debug` writes them, or plain when it would not escape.
                c => {
                    let escaped: String = c.escape_debug().collect();
                    if escaped.starts_with("\\u") {
                        self.out.push_str(&escaped);
                    } else {
                        self.out.push(c);
                    }
                }
            }
            rest = &rest[i + c.len_utf8()..];
        }
        self.out.push_str(rest);
        self.out.push('"');
    }

    fn identifier(&mut self, name: &str) -> Result<()> {
        let mut chars = name.chars();
        let plain = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        let reserved = [
            "true", "false", "Some", "None", "inf", "inff32", "inff64", "NaN", "NaNf32", "NaNf64",
        ]
        .contains(&name);
        if !plain || reserved {
            return Err(WriteError(format!(
                "identifier `{name}` needs ron's own rules"
            )));
        }
        self.out.push_str(name);
        Ok(())
    }
}

/// An open list, map or struct.
struct Compound<'a> {
    w: &'a mut Writer,
    first: bool,
    empty: bool,
}

impl Compound<'_> {
    /// What comes before an item: the separator after the previous one and the indentation.
    fn before_item(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.w.out.push(',');
            if self.w.indent <= self.w.limit {
                self.w.out.push('\n');
            } else {
                self.w.out.push(' ');
            }
        }
        if self.w.indent <= self.w.limit {
            let n = self.w.indent;
            self.w.spaces(n);
        }
    }

    fn close(self, close: char) {
        if !self.first && self.w.indent <= self.w.limit {
            self.w.out.push_str(",\n");
        }
        if self.w.indent <= self.w.limit && !self.empty {
            let n = self.w.indent - 1;
            self.w.spaces(n);
        }
        self.w.indent -= 1;
        self.w.out.push(close);
    }
}

fn unsupported<T>(what: &str) -> Result<T> {
    Err(WriteError(format!("{what} are left to ron")))
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = WriteError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = ser::Impossible<(), WriteError>;
    type SerializeTupleStruct = ser::Impossible<(), WriteError>;
    type SerializeTupleVariant = ser::Impossible<(), WriteError>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = ser::Impossible<(), WriteError>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, v: i8) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<()> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<()> {
        self.out.push_str(&v.to_string());
        Ok(())
    }

    fn serialize_u8(self, v: u8) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<()> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<()> {
        self.out.push_str(&v.to_string());
        Ok(())
    }

    fn serialize_f32(self, _v: f32) -> Result<()> {
        unsupported("floats")
    }

    fn serialize_f64(self, _v: f64) -> Result<()> {
        unsupported("floats")
    }

    fn serialize_char(self, _v: char) -> Result<()> {
        unsupported("characters")
    }

    fn serialize_str(self, v: &str) -> Result<()> {
        self.string(v);
        Ok(())
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<()> {
        unsupported("byte strings")
    }

    fn serialize_none(self) -> Result<()> {
        self.out.push_str("None");
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        self.out.push_str("Some(");
        value.serialize(&mut *self)?;
        self.out.push(')');
        Ok(())
    }

    fn serialize_unit(self) -> Result<()> {
        unsupported("unit values")
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        unsupported("unit structs")
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.identifier(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<()> {
        unsupported("newtype structs")
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<()> {
        unsupported("newtype variants")
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>> {
        // ron decides on an empty list from the length it is told; without one it assumes items.
        Ok(self.open('[', len == Some(0)))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        unsupported("tuples")
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        unsupported("tuple structs")
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        unsupported("tuple variants")
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a>> {
        Ok(self.open('{', len == Some(0)))
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>> {
        Ok(self.open('(', len == 0))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        unsupported("struct variants")
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.before_item();
        value.serialize(&mut *self.w)
    }

    fn end(self) -> Result<()> {
        self.close(']');
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.before_item();
        key.serialize(&mut *self.w)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.w.out.push_str(": ");
        value.serialize(&mut *self.w)
    }

    fn end(self) -> Result<()> {
        self.close('}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = WriteError;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.before_item();
        self.w.identifier(key)?;
        self.w.out.push_str(": ");
        value.serialize(&mut *self.w)
    }

    fn end(self) -> Result<()> {
        self.close(')');
        Ok(())
    }
}
