//! A fast reader for the RON that Qalam writes: the subset of RON its files use (named
//! structs, lists, string maps, strings with RON's escapes, integers, `Some`/`None`, unit
//! enum variants), as a serde deserializer over bytes. The `ron` crate reads a corpus of
//! 10,000 documents at about 30 MB/s; this reads the same file several times faster.
//!
//! It is only a fast path: whatever it does not understand (comments, raw strings, floats,
//! tuples, anything unusual) is an error, and the caller then reads the file with `ron`
//! itself, which also gives the messages with line and column. For any text both accept, the
//! values are the same (tested against `ron` in `tests/project_props.rs`).

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

/// Why the fast reader gave up (the caller falls back to `ron`).
#[derive(Debug)]
pub struct FastError(String);

impl std::fmt::Display for FastError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FastError {}

impl de::Error for FastError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        FastError(msg.to_string())
    }
}

type Result<T> = std::result::Result<T, FastError>;

/// Deserializes `T` from the whole of `text`, or says why it cannot.
pub fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T> {
    let mut d = Reader { text, pos: 0 };
    let value = T::deserialize(&mut d)?;
    d.skip_ws();
    if d.pos != text.len() {
        return Err(d.fail("text after the value"));
    }
    Ok(value)
}

/// Where the items of the list in top-level field `field` are: the byte range of the list
/// (brackets included) and of each item, for items that are `( … )` structs. `None` when the
/// text is not laid out simply enough to tell (comments, raw strings, no such list).
pub fn list_items(
    text: &str,
    field: &str,
) -> Option<(std::ops::Range<usize>, Vec<std::ops::Range<usize>>)> {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut list: Option<usize> = None;
    let mut items = Vec::new();
    let mut item_start = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                // Skip the string, escapes included.
                i += 1;
                loop {
                    let n = memchr2(b'"', b'\\', &b[i..])?;
                    i += n;
                    if b[i] == b'"' {
                        break;
                    }
                    i += 2;
                }
            }
            b'/' | b'#' | b'\'' => return None,
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                return None;
            }
            b'(' | b'[' | b'{' => {
                if depth == 1 && b[i] == b'[' && list.is_none() {
                    // The list is the value of `field:`, a whole name.
                    let name = text[..i]
                        .trim_end()
                        .strip_suffix(':')
                        .map(str::trim_end)
                        .and_then(|t| t.strip_suffix(field));
                    if name.is_some_and(|rest| {
                        !rest.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    }) {
                        list = Some(i);
                    }
                }
                depth += 1;
                if list.is_some() && depth == 3 && b[i] == b'(' && item_start.is_none() {
                    item_start = Some(i);
                }
            }
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 2 && list.is_some() && b[i] == b')' {
                    items.push(item_start.take()?..i + 1);
                }
                if depth == 1
                    && b[i] == b']'
                    && let Some(start) = list
                {
                    return Some((start..i + 1, items));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The reader: a position in the text. Delimiters are ASCII, so every position it stops at is
/// a character boundary of the (already valid UTF-8) text.
struct Reader<'de> {
    text: &'de str,
    pos: usize,
}

impl<'de> Reader<'de> {
    fn bytes(&self) -> &'de [u8] {
        self.text.as_bytes()
    }

    fn fail(&self, what: &str) -> FastError {
        FastError(format!("{what} at byte {}", self.pos))
    }

    fn skip_ws(&mut self) {
        let b = self.bytes();
        while self.pos < b.len() && matches!(b[self.pos], b' ' | b'\n' | b'\r' | b'\t') {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes().get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.fail(&format!("expected `{}`", c as char)))
        }
    }

    /// An identifier: ASCII letters, digits and `_`, not starting with a digit.
    fn ident(&mut self) -> Result<&'de str> {
        self.skip_ws();
        let b = self.bytes();
        let start = self.pos;
        while self.pos < b.len() && (b[self.pos].is_ascii_alphanumeric() || b[self.pos] == b'_') {
            self.pos += 1;
        }
        if self.pos == start || b[start].is_ascii_digit() {
            return Err(self.fail("expected a name"));
        }
        Ok(&self.text[start..self.pos])
    }

    /// A list separator: `,` then the closing `close`, or the closing `close`; returns
    /// whether the list goes on.
    fn more(&mut self, close: u8) -> Result<bool> {
        if self.eat(close) {
            return Ok(false);
        }
        self.expect(b',')?;
        Ok(!self.eat(close))
    }

    /// A `"…"` string: borrowed when it has no escapes.
    fn string(&mut self) -> Result<std::borrow::Cow<'de, str>> {
        self.expect(b'"')?;
        let b = self.bytes();
        let start = self.pos;
        let Some(end) = memchr2(b'"', b'\\', &b[start..]).map(|n| start + n) else {
            return Err(self.fail("unterminated string"));
        };
        if b[end] == b'"' {
            self.pos = end + 1;
            return Ok(std::borrow::Cow::Borrowed(&self.text[start..end]));
        }
        let mut out = String::with_capacity(end - start + 16);
        out.push_str(&self.text[start..end]);
        self.pos = end;
        loop {
            let Some(n) = memchr2(b'"', b'\\', &b[self.pos..]) else {
                return Err(self.fail("unterminated string"));
            };
            out.push_str(&self.text[self.pos..self.pos + n]);
            self.pos += n;
            if b[self.pos] == b'"' {
                self.pos += 1;
                return Ok(std::borrow::Cow::Owned(out));
            }
            self.pos += 1;
            let c = *b
                .get(self.pos)
                .ok_or_else(|| self.fail("unterminated escape"))?;
            self.pos += 1;
            match c {
                b'"' => out.push('"'),
                b'\'' => out.push('\''),
                b'\\' => out.push('\\'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'0' => out.push('\0'),
                b'x' => {
                    let hex = self
                        .text
                        .get(self.pos..self.pos + 2)
                        .ok_or_else(|| self.fail("short \\x escape"))?;
                    let v = u8::from_str_radix(hex, 16).map_err(|_| self.fail("bad \\x escape"))?;
                    // Byte escapes of non-ASCII build characters from several escapes: leave
                    // those to `ron`.
                    if v >= 0x80 {
                        return Err(self.fail("multi-byte \\x escape"));
                    }
                    out.push(char::from(v));
                    self.pos += 2;
                }
                b'u' => {
                    if b.get(self.pos) != Some(&b'{') {
                        return Err(self.fail("bad \\u escape"));
                    }
                    let close = b[self.pos..]
                        .iter()
                        .position(|c| *c == b'}')
                        .map(|n| self.pos + n)
                        .ok_or_else(|| self.fail("bad \\u escape"))?;
                    let hex = &self.text[self.pos + 1..close];
                    if hex.is_empty() || hex.len() > 6 {
                        return Err(self.fail("bad \\u escape"));
                    }
                    let v =
                        u32::from_str_radix(hex, 16).map_err(|_| self.fail("bad \\u escape"))?;
                    out.push(char::from_u32(v).ok_or_else(|| self.fail("bad \\u escape"))?);
                    self.pos = close + 1;
                }
                _ => return Err(self.fail("unknown escape")),
            }
        }
    }

    /// An unsigned decimal integer.
    fn unsigned(&mut self) -> Result<u64> {
        self.skip_ws();
        let b = self.bytes();
        let start = self.pos;
        while self.pos < b.len() && b[self.pos].is_ascii_digit() {
            self.pos += 1;
        }
        // Leave other notations (hex, underscores, floats) to `ron`.
        if self.pos == start
            || matches!(
                b.get(self.pos),
                Some(b'.' | b'_' | b'e' | b'E' | b'x' | b'b' | b'o')
            )
        {
            return Err(self.fail("expected a whole number"));
        }
        self.text[start..self.pos]
            .parse()
            .map_err(|_| self.fail("number too large"))
    }

    /// Skips one value of any kind.
    fn skip_value(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'0'..=b'9') => self.unsigned().map(drop),
            Some(b'[') => {
                self.pos += 1;
                if !self.eat(b']') {
                    loop {
                        self.skip_value()?;
                        if !self.more(b']')? {
                            break;
                        }
                    }
                }
                Ok(())
            }
            Some(b'{') => {
                self.pos += 1;
                if !self.eat(b'}') {
                    loop {
                        self.skip_value()?;
                        self.expect(b':')?;
                        self.skip_value()?;
                        if !self.more(b'}')? {
                            break;
                        }
                    }
                }
                Ok(())
            }
            Some(b'(') => self.skip_struct_body(),
            _ => {
                self.ident()?;
                if self.peek() == Some(b'(') {
                    self.skip_struct_body()
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Skips `( name: value, … )` or `( value )`.
    fn skip_struct_body(&mut self) -> Result<()> {
        self.expect(b'(')?;
        if self.eat(b')') {
            return Ok(());
        }
        loop {
            let save = self.pos;
            if self.ident().is_ok() && self.eat(b':') {
                self.skip_value()?;
            } else {
                self.pos = save;
                self.skip_value()?;
            }
            if !self.more(b')')? {
                return Ok(());
            }
        }
    }
}

/// Position of the first `a` or `b` in `hay`.
fn memchr2(a: u8, b: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|c| *c == a || *c == b)
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = FastError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            Some(b'"') => self.deserialize_string(visitor),
            Some(b'0'..=b'9') => visitor.visit_u64(self.unsigned()?),
            Some(b'[') => self.deserialize_seq(visitor),
            Some(b'{') => self.deserialize_map(visitor),
            Some(b'(') => self.deserialize_struct("", &[], visitor),
            _ => match self.ident()? {
                "true" => visitor.visit_bool(true),
                "false" => visitor.visit_bool(false),
                "None" => visitor.visit_none(),
                "Some" => {
                    self.expect(b'(')?;
                    let v = visitor.visit_some(&mut *self)?;
                    self.eat(b',');
                    self.expect(b')')?;
                    Ok(v)
                }
                // A unit enum variant read without knowing the enum: its name.
                name => visitor.visit_borrowed_str(name),
            },
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.ident()? {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(self.fail("expected true or false")),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u64(self.unsigned()?)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u64(self.unsigned()?)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u64(self.unsigned()?)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u64(self.unsigned()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.string()? {
            std::borrow::Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            std::borrow::Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.ident()? {
            "None" => visitor.visit_none(),
            "Some" => {
                self.expect(b'(')?;
                let v = visitor.visit_some(&mut *self)?;
                self.eat(b',');
                self.expect(b')')?;
                Ok(v)
            }
            _ => Err(self.fail("expected Some(…) or None")),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.expect(b'[')?;
        let first = !self.eat(b']');
        visitor.visit_seq(Items {
            r: self,
            close: b']',
            first,
            done: !first,
        })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.expect(b'{')?;
        let first = !self.eat(b'}');
        visitor.visit_map(Items {
            r: self,
            close: b'}',
            first,
            done: !first,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        // An optional struct name before the parentheses.
        if self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.ident()?;
        }
        self.expect(b'(')?;
        let first = !self.eat(b')');
        visitor.visit_map(Fields {
            r: self,
            first,
            done: !first,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let name = self.ident()?;
        if self.peek() == Some(b'(') {
            return Err(self.fail("enum variants with data"));
        }
        visitor.visit_enum(name.into_deserializer())
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.ident()?)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip_value()?;
        visitor.visit_unit()
    }

    fn deserialize_unit<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("unit values"))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(self.fail("unit structs"))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(self.fail("newtype structs"))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(self.fail("tuples"))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(self.fail("tuple structs"))
    }

    fn deserialize_i8<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("signed numbers"))
    }

    fn deserialize_i16<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("signed numbers"))
    }

    fn deserialize_i32<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("signed numbers"))
    }

    fn deserialize_i64<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("signed numbers"))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("floats"))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("floats"))
    }

    fn deserialize_char<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("characters"))
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("byte strings"))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
        Err(self.fail("byte strings"))
    }
}

/// The items of a `[…]` list or the entries of a `{…}` map.
struct Items<'a, 'de> {
    r: &'a mut Reader<'de>,
    close: u8,
    first: bool,
    done: bool,
}

impl<'de> Items<'_, 'de> {
    /// Whether another item follows (consuming the separator before it).
    fn next(&mut self) -> Result<bool> {
        if self.done {
            return Ok(false);
        }
        if self.first {
            self.first = false;
            return Ok(true);
        }
        let more = self.r.more(self.close)?;
        self.done = !more;
        Ok(more)
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = FastError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.next()? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.r).map(Some)
    }
}

impl<'de> de::MapAccess<'de> for Items<'_, 'de> {
    type Error = FastError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.next()? {
            return Ok(None);
        }
        let key = seed.deserialize(&mut *self.r)?;
        self.r.expect(b':')?;
        Ok(Some(key))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.r)
    }
}

/// The `name: value` fields of a `( … )` struct.
struct Fields<'a, 'de> {
    r: &'a mut Reader<'de>,
    first: bool,
    done: bool,
}

impl<'de> de::MapAccess<'de> for Fields<'_, 'de> {
    type Error = FastError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.done {
            return Ok(None);
        }
        if self.first {
            self.first = false;
        } else if !self.r.more(b')')? {
            self.done = true;
            return Ok(None);
        }
        let name = self.r.ident()?;
        self.r.expect(b':')?;
        seed.deserialize(name.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.r)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct S {
        a: u64,
        #[serde(default)]
        b: Option<String>,
        #[serde(default)]
        m: BTreeMap<String, String>,
        #[serde(default)]
        v: Vec<u32>,
        #[serde(default)]
        e: E,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum E {
        #[default]
        First,
        InSecond,
    }

    #[test]
    fn reads_what_ron_reads() {
        let text = "S(\n  a: 7, b: Some(\"x\\\"\\u{64e}\\n\"), m: {\"k\": \"ق\"}, v: [1, 2,], e: in_second,\n)\n";
        let fast: S = from_str(text).expect("fast");
        let slow: S = ron::from_str(text).expect("ron");
        assert_eq!(fast, slow);
        assert_eq!(fast.b.as_deref(), Some("x\"\u{64e}\n"));
        let empty: S = from_str("(a: 1)").expect("minimal");
        assert_eq!(empty, ron::from_str::<S>("(a: 1)").expect("ron"));
    }

    #[test]
    fn gives_up_on_what_it_does_not_know() {
        for bad in [
            "(a: 1, z: 2)",
            "(a: 0x10)",
            "// c\n(a: 1)",
            "(a: 1) x",
            "(a: 1, b: \"\\q\")",
            "(a: 1, b: \"open)",
            "(a: 1 b: None)",
            "(a: 1.5)",
        ] {
            assert!(from_str::<S>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_relation_annotators_as_ron_does() {
        let text = "(id: \"d\", text: \"قال مصدر\", relations: [(id: 1, type: \"about\", from: 2, to: 3, annotator: \"ali,\\\"m\\\"\"), (id: 2, type: \"about\", from: 2, to: 3)])";
        let fast: crate::model::Document = from_str(text).expect("fast");
        let slow: crate::model::Document = ron::from_str(text).expect("ron");
        assert_eq!(fast, slow);
        assert_eq!(fast.relations[0].annotator, "ali,\"m\"");
        assert_eq!(fast.relations[1].annotator, "");
        // A misspelt field is refused by both, as for spans.
        let typo = text.replace("annotator", "annotater");
        assert!(from_str::<crate::model::Document>(&typo).is_err());
        assert!(ron::from_str::<crate::model::Document>(&typo).is_err());
    }

    #[test]
    fn reads_pending_suggestions_and_rejections_as_ron_does() {
        let text = "(id: \"d\", text: \"قال مصدر\", suggestions: [(id: 2, label: \"speaker\", start: 4, end: 8, text: \"مصدر\", rule: \"cue-verb\", score: 85, links: [(type: \"attributed_to\", to: 3)], same_as: Some(1))], rejected: [(label: \"claim\", start: 0, end: 3, text: \"قال\")])";
        let fast: crate::model::Document = from_str(text).expect("fast");
        let slow: crate::model::Document = ron::from_str(text).expect("ron");
        assert_eq!(fast, slow);
        assert_eq!(fast.suggestions[0].links[0].to, 3);
        assert_eq!(fast.suggestions[0].same_as, Some(1));
        assert_eq!(fast.rejected[0].text, "قال");
    }
}
