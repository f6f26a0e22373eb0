//! Snippets: a short window of the record's text around the best-matching words, HTML-escaped,
//! with matches wrapped in `<mark>`.
//!
//! Matching is done on folded forms (so `nghi quyet` highlights `Nghị quyết`); all text that
//! came from the crawl is escaped, so a crawled `<script>` stays visible text.
//!
//! A record's snippet text has a [`Layout`] stored with it at index time (how many syllables,
//! where every 32nd begins); with the matched syllables' positions read from the index, a
//! snippet then costs the window it shows, not a scan of the text ([`snippet_at`]). Without a
//! layout (generations built before it) the text is scanned ([`snippet`]); both give the same
//! snippet.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analyzer::{Form, MAX_TOKEN_BYTES};

/// How many syllables a snippet shows.
const WINDOW: usize = 30;
/// Only this many leading bytes of a text are searched for the best window (keeps snippets
/// cheap on very long bodies).
pub(crate) const SCAN_BYTES: usize = 6_000;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape_html`] does: the runs between the characters
/// to escape are copied whole (those are ASCII, so never inside another character's bytes).
fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.bytes().position(needs_escape) {
        out.push_str(&rest[..at]);
        push_escaped_char(out, char::from(rest.as_bytes()[at]));
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// The bytes [`escape_html`] replaces (all ASCII).
fn needs_escape(b: u8) -> bool {
    matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')
}

fn push_escaped_char(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        other => out.push(other),
    }
}

/// Tokens between two checkpoints of a [`Layout`] written now ([`LAYOUT_FORMAT`]): a window
/// starts at most 7 tokens after one, so few tokens are read before the window.
const CHECKPOINT_EVERY: usize = 8;
/// The first byte of an encoded [`Layout`]: its format. Format 2 adds where the last token
/// starts and puts a checkpoint every [`CHECKPOINT_EVERY`] tokens.
const LAYOUT_FORMAT: u8 = 2;
/// Format 1 (generations indexed before format 2, which keep it in their doc store): a
/// checkpoint every 32 tokens, the last token found by reading from the last checkpoint.
const LAYOUT_FORMAT_1: u8 = 1;
const CHECKPOINT_EVERY_1: usize = 32;

/// The text a record's snippet is cut from: the first [`SCAN_BYTES`] bytes of its lead and
/// body, a blank line between them. The index stores its [`Layout`]; the text is a prefix of
/// the record's indexed text (lead, body, …), so their syllables share positions.
pub(crate) fn snippet_text<'a>(lead: &'a str, body: &'a str) -> Cow<'a, str> {
    if lead.trim().is_empty() {
        Cow::Borrowed(prefix(body, SCAN_BYTES))
    } else if body.trim().is_empty() || lead.len() >= SCAN_BYTES {
        Cow::Borrowed(prefix(lead, SCAN_BYTES))
    } else {
        let rest = SCAN_BYTES - lead.len();
        Cow::Owned(format!(
            "{lead}\n\n{}",
            prefix(body, rest.saturating_sub(2))
        ))
    }
}

/// Where the syllables of a snippet text lie, computed once at index time: enough to cut a
/// snippet window out of the text without tokenising all of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Byte length of the text described (a layout never serves another text).
    bytes: usize,
    /// Tokens of the text (positions `0..tokens`), over-long ones included.
    tokens: usize,
    /// Positions of the over-long tokens (left out of snippets, as the analyzer leaves them
    /// out of the index), ascending.
    long: Vec<usize>,
    /// Tokens between two checkpoints.
    every: usize,
    /// Byte offset of token `every * (k + 1)`, for each `k`.
    checkpoints: Vec<usize>,
    /// Byte offset of the last token (format 2 on; 0 without tokens).
    last_start: Option<usize>,
}

impl Layout {
    /// The layout of `text` (a [`snippet_text`]).
    pub(crate) fn of(text: &str) -> Self {
        Self::with_checkpoints(text, CHECKPOINT_EVERY)
    }

    /// The layout of `text` with a checkpoint every `every` tokens; the format 1 layout when
    /// `every` is [`CHECKPOINT_EVERY_1`] (for tests of older generations).
    fn with_checkpoints(text: &str, every: usize) -> Self {
        let mut layout = Layout {
            bytes: text.len(),
            every,
            ..Layout::default()
        };
        let mut last_start = 0;
        for (i, (start, end)) in vietnamese::token_spans(text).enumerate() {
            if i > 0 && i % every == 0 {
                layout.checkpoints.push(start);
            }
            if end - start >= MAX_TOKEN_BYTES {
                layout.long.push(i);
            }
            layout.tokens += 1;
            last_start = start;
        }
        layout.last_start = (every != CHECKPOINT_EVERY_1).then_some(last_start);
        layout
    }

    /// The format 1 layout of `text`, as generations indexed before format 2 stored it.
    #[cfg(test)]
    pub(crate) fn format_1(text: &str) -> Self {
        Self::with_checkpoints(text, CHECKPOINT_EVERY_1)
    }

    /// Tokens of the text, over-long ones included.
    pub(crate) fn tokens(&self) -> usize {
        self.tokens
    }

    /// The stored form: a format byte, then LEB128 numbers (length, tokens, the over-long
    /// count, from format 2 the last token's offset, then the over-long positions and the
    /// checkpoints), each list delta-encoded.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.checkpoints.len() + self.long.len());
        out.push(match self.last_start {
            Some(_) => LAYOUT_FORMAT,
            None => LAYOUT_FORMAT_1,
        });
        for n in [self.bytes, self.tokens, self.long.len()] {
            push_varint(&mut out, n);
        }
        if let Some(last_start) = self.last_start {
            push_varint(&mut out, last_start);
        }
        for list in [&self.long, &self.checkpoints] {
            let mut previous = 0;
            for &n in list {
                push_varint(&mut out, n - previous);
                previous = n;
            }
        }
        out
    }

    /// Reads [`Layout::encode`]'s bytes (either format); `None` when they are not a layout.
    pub(crate) fn decode(mut bytes: &[u8]) -> Option<Self> {
        let (&format, rest) = bytes.split_first()?;
        let every = match format {
            LAYOUT_FORMAT => CHECKPOINT_EVERY,
            LAYOUT_FORMAT_1 => CHECKPOINT_EVERY_1,
            _ => return None,
        };
        bytes = rest;
        let mut next = || read_varint(&mut bytes);
        let (length, tokens, long) = (next()?, next()?, next()?);
        let last_start = match format {
            LAYOUT_FORMAT => Some(next()?).filter(|&at| at <= length),
            _ => None,
        };
        if format == LAYOUT_FORMAT && last_start.is_none() {
            return None;
        }
        let checkpoints = tokens.saturating_sub(1) / every;
        let mut list = |n: usize| -> Option<Vec<usize>> {
            let mut out = Vec::with_capacity(n.min(SCAN_BYTES));
            let mut at = 0usize;
            for _ in 0..n {
                at = at.checked_add(read_varint(&mut bytes)?)?;
                out.push(at);
            }
            Some(out)
        };
        let long = list(long)?;
        let checkpoints = list(checkpoints)?;
        let valid = bytes.is_empty()
            && long.iter().all(|&p| p < tokens)
            && checkpoints.last().is_none_or(|&at| at <= length);
        valid.then_some(Layout {
            bytes: length,
            tokens,
            long,
            every,
            checkpoints,
            last_start,
        })
    }

    /// The part of `text` holding the tokens from position `from` to position `to` and what
    /// follows `to` up to the next token: from the checkpoint at or before `from` to the first
    /// checkpoint after `to` (or the end), checked to be UTF-8 there only. With the position
    /// of its first token; `None` when it is not UTF-8 (a damaged text or layout).
    fn part<'t>(&self, text: &'t [u8], from: usize, to: usize) -> Option<(&'t str, usize)> {
        let every = self.every;
        let k = from / every;
        let start = match k {
            0 => 0,
            k => *self.checkpoints.get(k - 1)?,
        };
        // Checkpoint `c` (counted from 1) is where token `every * c` begins.
        let end = self
            .checkpoints
            .get(to / every)
            .copied()
            .unwrap_or(text.len());
        let part = simdutf8::basic::from_utf8(text.get(start..end)?).ok()?;
        Some((part, k * every))
    }

    /// The last token (position `last`) of `text`.
    fn last_token<'t>(&self, text: &'t [u8], last: usize) -> Option<&'t str> {
        let (part, first) = match self.last_start {
            Some(start) => (simdutf8::basic::from_utf8(text.get(start..)?).ok()?, last),
            None => self.part(text, last, last)?,
        };
        let (start, end) = vietnamese::token_spans(part).nth(last - first)?;
        Some(&part[start..end])
    }
}

fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_varint(bytes: &mut &[u8]) -> Option<usize> {
    // Most numbers (deltas between checkpoints) take one byte.
    if let Some((&byte, rest)) = bytes.split_first()
        && byte < 0x80
    {
        *bytes = rest;
        return Some(usize::from(byte));
    }
    let mut n = 0usize;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        n |= usize::from(byte & 0x7f).checked_shl(shift)?;
        if byte < 0x80 {
            return Some(n);
        }
    }
    None
}

/// Builds a snippet of `text` highlighting syllables whose folded form is in `terms`.
///
/// Whitespace runs (line breaks included) are collapsed to single spaces. Only the first
/// [`SCAN_BYTES`] bytes are looked at; a token is folded in full (as the analyzer does) only
/// when a cheap per-character fold says it may be one of `terms`.
///
/// `matcher` is built once per query ([`Matcher::new`]) and shared by its hits: it remembers
/// the tokens it has folded, so a word repeated across the shown hits is folded once.
pub(crate) fn snippet(text: &str, matcher: &mut Matcher<'_>) -> String {
    let text = prefix(text, SCAN_BYTES);
    let syllables = scan(text, matcher);
    let matches: Vec<(usize, usize)> = syllables
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.term.map(|term| (i, term)))
        .collect();
    let start = best_window(&matches, syllables.len(), matcher.keys.len());
    let end = (start + WINDOW).min(syllables.len());
    let window = syllables
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .map(|s| (s.start, s.end, s.term.is_some()));
    render(text, window, start > 0, end < syllables.len())
}

/// The snippet [`snippet`] makes of `text`, from its stored `layout` and the positions (with
/// the index in `matcher`'s terms) of the syllables that match, ascending, as the index's
/// postings give them: only the window shown is tokenised, and only it (with the last
/// token) is checked to be UTF-8, so `text` may come unchecked from the side file. `None`
/// when `layout` does not describe `text`, or the bytes read are not UTF-8.
///
/// The text is a prefix of the indexed text, so its last token may be cut short: that one is
/// matched by `matcher`, the others by their positions.
pub(crate) fn snippet_at(
    text: &[u8],
    layout: &Layout,
    positions: &[(usize, usize)],
    matcher: &mut Matcher<'_>,
) -> Option<String> {
    if layout.bytes != text.len() {
        return None;
    }
    let Some(last) = layout.tokens.checked_sub(1) else {
        return Some(String::new());
    };
    // Positions -> indexes among the kept syllables (over-long tokens are not syllables).
    let kept = |position: usize| position - layout.long.partition_point(|&p| p < position);
    let mut matches: Vec<(usize, usize)> = positions
        .iter()
        .filter(|(position, _)| *position < last && layout.long.binary_search(position).is_err())
        .map(|&(position, term)| (kept(position), term))
        .collect();
    let last_token = layout.last_token(text, last)?;
    if last_token.len() < MAX_TOKEN_BYTES {
        let mut key = String::new();
        if let Some(term) = matcher.find(last_token, &mut key) {
            matches.push((kept(last), term));
        }
    }
    let syllables = layout.tokens - layout.long.len();
    let start = best_window(&matches, syllables, matcher.keys.len());
    let end = (start + WINDOW).min(syllables);
    if start >= end {
        return Some(String::new());
    }
    // The positions of the window's first and last syllables: their indexes plus the
    // over-long tokens before them.
    let position = |index: usize| {
        let mut at = index;
        for &p in &layout.long {
            if p <= at {
                at += 1;
            } else {
                break;
            }
        }
        at
    };
    let first = position(start);
    let (part, part_first) = layout.part(text, first, position(end - 1))?;
    let mut marked = matches.iter().map(|m| m.0).peekable();
    let window = vietnamese::token_spans(part)
        .skip(first - part_first)
        .filter(|(s, e)| e - s < MAX_TOKEN_BYTES)
        .take(end - start)
        .zip(start..)
        .map(|((s, e), at)| {
            while marked.next_if(|&m| m < at).is_some() {}
            (s, e, marked.next_if_eq(&at).is_some())
        });
    Some(render(part, window, start > 0, end < syllables))
}

/// Writes the window of syllables (byte ranges in `text`, marked or not), the text between
/// them with whitespace collapsed, closing punctuation after the last, and `…` on the sides
/// where the text goes on.
fn render(
    text: &str,
    window: impl Iterator<Item = (usize, usize, bool)>,
    before: bool,
    after: bool,
) -> String {
    let mut out = String::with_capacity(512);
    let mut cursor = None;
    for (start, end, marked) in window {
        match cursor {
            None if before => out.push_str("… "),
            None => {}
            Some(cursor) => push_collapsed(&mut out, &text[cursor..start]),
        }
        // A token holds only letters, digits, combining marks and invisible joiners
        // (`vietnamese::token_spans`): nothing in it to escape.
        let word = &text[start..end];
        debug_assert!(!word.bytes().any(needs_escape), "{word:?}");
        if marked {
            out.push_str("<mark>");
            out.push_str(word);
            out.push_str("</mark>");
        } else {
            out.push_str(word);
        }
        cursor = Some(end);
    }
    let Some(cursor) = cursor else {
        return out;
    };
    // Keep closing punctuation attached to the last word.
    for c in text[cursor..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !c.is_alphanumeric())
        .take(2)
    {
        push_escaped_char(&mut out, c);
    }
    if after {
        out.push_str(" …");
    }
    out
}

/// The start of the best window of [`WINDOW`] syllables among `len`: most distinct matched
/// terms, then most matches, earliest first. `matches` are the (syllable, term) pairs that
/// match, ascending. Each window starts a little before a match, so the reader sees some
/// context. The windows only move forward, so one sliding count serves them all.
fn best_window(matches: &[(usize, usize)], len: usize, terms: usize) -> usize {
    let last_start = len.saturating_sub(WINDOW);
    let mut best = (0usize, 0usize, 0usize);
    let mut per_term = vec![0usize; terms];
    let (mut distinct, mut count, mut lo, mut hi) = (0usize, 0usize, 0usize, 0usize);
    for &(at, _) in matches {
        let start = at.saturating_sub(3).min(last_start);
        let end = (start + WINDOW).min(len);
        while let Some(&(_, term)) = matches.get(hi).filter(|m| m.0 < end) {
            distinct += usize::from(per_term[term] == 0);
            per_term[term] += 1;
            count += 1;
            hi += 1;
        }
        while let Some(&(_, term)) = matches.get(lo).filter(|m| m.0 < start && lo < hi) {
            per_term[term] -= 1;
            distinct -= usize::from(per_term[term] == 0);
            count -= 1;
            lo += 1;
        }
        if (distinct, count) > (best.1, best.2) {
            best = (start, distinct, count);
        }
    }
    best.0
}

/// The longest prefix of `text` of at most `bytes` bytes that ends on a character boundary.
pub(crate) fn prefix(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let mut end = bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// One syllable of the scanned text: its byte range and, when it matches, the index of the
/// matched term.
struct Scanned {
    start: usize,
    end: usize,
    term: Option<usize>,
}

/// Matches raw tokens against folded terms: a cheap per-character key first (marks stripped,
/// lowercase, `y` read as `i`), the analyzer's full fold only for tokens whose key matches,
/// each distinct token folded once per query.
///
/// Most tokens of a text match no term: for them the key is only hashed on the fly (no string
/// built, no table probed) and the hash is not among the keys' hashes. Equal keys hash
/// equally, so this rejects only tokens the key set would reject too.
pub(crate) struct Matcher<'a> {
    /// `(coarse key, term)` pairs.
    keys: Vec<(String, &'a str)>,
    /// The [`coarse_hash`] of every key, sorted.
    hashes: Vec<u64>,
    /// The coarse keys alone, for the common case: a token matching none.
    coarse: FxHashSet<String>,
    /// Tokens already folded in full: their matched term, if any.
    folded: FxHashMap<Box<str>, Option<usize>>,
}

impl<'a> Matcher<'a> {
    /// A matcher of the syllables whose folded form is in `terms`.
    pub(crate) fn new(terms: &'a HashSet<String>) -> Self {
        let keys: Vec<(String, &str)> = terms
            .iter()
            .map(|t| {
                let mut key = String::new();
                coarse_key(t, &mut key);
                (key, t.as_str())
            })
            .collect();
        let mut hashes: Vec<u64> = keys.iter().map(|(k, _)| fnv1a(k.bytes())).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Self {
            coarse: keys.iter().map(|(k, _)| k.clone()).collect(),
            hashes,
            keys,
            folded: FxHashMap::default(),
        }
    }

    /// The terms, in the order of the indexes [`Matcher::find`] and [`snippet_at`] use.
    pub(crate) fn terms(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.keys.iter().map(|(_, term)| *term)
    }

    /// The index (in `keys`) of the term `token` folds to, if any.
    pub(crate) fn find(&mut self, token: &str, key: &mut String) -> Option<usize> {
        if let Some(hash) = coarse_hash(token)
            && self.hashes.binary_search(&hash).is_err()
        {
            return None;
        }
        // Without a coarse key (a character the cheap fold cannot vouch for), fold properly.
        if coarse_key(token, key) && !self.coarse.contains(key.as_str()) {
            return None;
        }
        if let Some(found) = self.folded.get(token) {
            return *found;
        }
        let found = self.index_of(&Form::Folded.apply(&vietnamese::normalize(token)));
        self.folded.insert(token.into(), found);
        found
    }

    fn index_of(&self, folded: &str) -> Option<usize> {
        self.keys.iter().position(|(_, t)| *t == folded)
    }
}

/// Writes the coarse key of `token` into `key`; false when the token holds a character the
/// table does not know (the caller then folds it properly).
fn coarse_key(token: &str, key: &mut String) -> bool {
    key.clear();
    for c in token.chars() {
        if c.is_ascii() {
            let c = c.to_ascii_lowercase();
            key.push(if c == 'y' { 'i' } else { c });
        } else if vietnamese::is_invisible(c) || vietnamese_combining(c) {
            continue;
        } else if let Some(folded) = coarse_fold(c) {
            key.push_str(folded);
        } else {
            return false;
        }
    }
    true
}

/// The FNV-1a hash of the key [`coarse_key`] writes for `token`, computed without writing it;
/// `None` when `coarse_key` returns false.
fn coarse_hash(token: &str) -> Option<u64> {
    let mut hash = FNV_OFFSET;
    for c in token.chars() {
        if c.is_ascii() {
            let c = c.to_ascii_lowercase() as u8;
            hash = fnv1a_step(hash, if c == b'y' { b'i' } else { c });
        } else if vietnamese::is_invisible(c) || vietnamese_combining(c) {
            continue;
        } else if let Some(folded) = coarse_fold(c) {
            hash = folded.bytes().fold(hash, fnv1a_step);
        } else {
            return None;
        }
    }
    Some(hash)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a_step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
}

fn fnv1a(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(FNV_OFFSET, fnv1a_step)
}

fn vietnamese_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Characters with a coarse fold: Latin letters with marks (Vietnamese included) and
/// full-width ASCII.
const FOLDED_RANGES: [std::ops::RangeInclusive<char>; 3] = [
    '\u{00C0}'..='\u{024F}',
    '\u{1E00}'..='\u{1EFF}',
    '\u{FF01}'..='\u{FF5E}',
];

/// The coarse fold of `c` (one of [`FOLDED_RANGES`]), computed once with the analyzer's own
/// fold and looked up by position in its range.
fn coarse_fold(c: char) -> Option<&'static str> {
    static TABLES: OnceLock<Vec<Vec<Option<Box<str>>>>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        FOLDED_RANGES
            .iter()
            .map(|range| {
                range
                    .clone()
                    .map(|c| {
                        let folded: String = vietnamese::fold(c.encode_utf8(&mut [0; 4]))
                            .chars()
                            .map(|f| if f == 'y' { 'i' } else { f })
                            .collect();
                        (folded.chars().all(|f| f.is_ascii_alphanumeric()) && !folded.is_empty())
                            .then(|| folded.into_boxed_str())
                    })
                    .collect()
            })
            .collect()
    });
    FOLDED_RANGES
        .iter()
        .zip(tables)
        .find(|(range, _)| range.contains(&c))
        .and_then(|(range, table)| table[(c as u32 - *range.start() as u32) as usize].as_deref())
}

/// Splits text into syllables as [`crate::analyzer::analyze`] does (maximal runs of letters,
/// digits and combining marks, invisible joiners inside; over-long tokens left out), marking
/// the ones that match.
fn scan(text: &str, matcher: &mut Matcher<'_>) -> Vec<Scanned> {
    let mut key = String::new();
    vietnamese::token_spans(text)
        .filter(|(start, end)| end - start < MAX_TOKEN_BYTES)
        .map(|(start, end)| Scanned {
            start,
            end,
            term: matcher.find(&text[start..end], &mut key),
        })
        .collect()
}

fn push_collapsed(out: &mut String, between: &str) {
    // Most words are parted by one plain space.
    if between == " " {
        out.push(' ');
        return;
    }
    if between.is_ascii() {
        // Punctuation and ASCII white space: the same, byte by byte.
        let mut space = false;
        for b in between.bytes() {
            if b.is_ascii_whitespace() || b == 0x0B {
                space = true;
            } else {
                if space {
                    out.push(' ');
                    space = false;
                }
                push_escaped_char(out, char::from(b));
            }
        }
        if space {
            out.push(' ');
        }
        return;
    }
    push_collapsed_chars(out, between);
}

/// [`push_collapsed`] character by character (any text): each run of white space made one
/// plain space, everything else escaped.
fn push_collapsed_chars(out: &mut String, between: &str) {
    let mut space = false;
    for c in between.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            push_escaped_char(out, c);
        }
    }
    if space {
        out.push(' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_folds_of_vietnamese_letters() {
        for (c, folded) in [('ệ', "e"), ('Đ', "d"), ('ữ', "u"), ('ỳ', "i"), ('Ａ', "a")] {
            assert_eq!(coarse_fold(c), Some(folded), "{c}");
        }
        assert_eq!(coarse_fold('×'), None);
        assert_eq!(coarse_fold('中'), None);
    }

    #[test]
    fn the_coarse_hash_is_the_hash_of_the_coarse_key() {
        let mut key = String::new();
        for token in [
            "Nghị",
            "QUYẾT",
            "Kỹ",
            "kĩ",
            "hoà",
            "Nghi\u{0323}",
            "Ｈuyện",
            "Đắk",
            "2024",
            "y",
        ] {
            assert!(coarse_key(token, &mut key), "{token}");
            assert_eq!(coarse_hash(token), Some(fnv1a(key.bytes())), "{token}");
        }
        // A character the cheap fold does not know: both give up.
        assert!(!coarse_key("中文", &mut key));
        assert_eq!(coarse_hash("中文"), None);
        assert_ne!(coarse_hash("nghi"), coarse_hash("nghe"));
    }

    fn terms(words: &[&str]) -> HashSet<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn marks_folded_matches() {
        let s = snippet(
            "Nghị quyết của HĐND huyện",
            &mut Matcher::new(&terms(&["nghi", "quyet"])),
        );
        assert_eq!(s, "<mark>Nghị</mark> <mark>quyết</mark> của HĐND huyện");
    }

    #[test]
    fn escapes_markup_from_the_crawl() {
        let s = snippet(
            "Tin <script>alert('x')</script> nông thôn",
            &mut Matcher::new(&terms(&["nong"])),
        );
        assert!(!s.contains("<script>"), "{s}");
        assert!(s.contains("&lt;script&gt;"), "{s}");
        assert!(s.contains("<mark>nông</mark>"), "{s}");
    }

    #[test]
    fn tokens_need_no_escaping_but_what_lies_between_them_does() {
        // Markup glued to words, entities, quotes of both kinds, joiners inside words.
        let text = "a<b>c&amp;d \"Ủy\u{00AD}ban\" 'xã'<i>nông</i>&lt;thôn&gt; x&y";
        for (start, end) in vietnamese::token_spans(text) {
            assert!(!text[start..end].bytes().any(needs_escape), "{text}");
        }
        let s = snippet(text, &mut Matcher::new(&terms(&["nong", "uyban"])));
        assert_eq!(
            s,
            "a&lt;b&gt;c&amp;amp;d &quot;<mark>Ủy\u{00AD}ban</mark>&quot; &#39;xã&#39;&lt;i&gt;<mark>nông</mark>&lt;/i&gt;&amp;lt;thôn&amp;gt; x&amp;y"
        );
    }

    #[test]
    fn collapsing_ascii_byte_by_byte_equals_the_character_loop() {
        // The character loop every input takes without the fast paths.
        let reference = |between: &str| {
            let mut out = String::new();
            push_collapsed_chars(&mut out, between);
            out
        };
        let mut cases: Vec<String> = (0u8..128)
            .map(|b| format!("{}", char::from(b)))
            .chain((0u8..128).map(|b| format!(" {} x\t", char::from(b))))
            .collect();
        cases.extend(
            [
                " ",
                "",
                ", ",
                ". \n\n",
                "\u{000B}\u{000C}\r\n",
                " – ",
                "\u{00A0}",
                ") (",
                "\"&<>'",
            ]
            .map(str::to_owned),
        );
        for between in &cases {
            let mut out = String::new();
            push_collapsed(&mut out, between);
            assert_eq!(out, reference(between), "{between:?}");
        }
    }

    #[test]
    fn windows_around_the_match_in_long_text() {
        let mut text = "mở đầu ".repeat(60);
        text.push_str("đích đến cuối");
        let s = snippet(&text, &mut Matcher::new(&terms(&["dich"])));
        assert!(s.starts_with("… "), "{s}");
        assert!(s.contains("<mark>đích</mark>"), "{s}");
    }

    #[test]
    fn cheap_matching_agrees_with_the_analyzer() {
        // Decomposed marks, upper case, i/y spellings and old-style tone placement all match
        // exactly the words the analyzer folds to a query term, and nothing else.
        let text = "Nghi\u{0323} QUYẾT Kỹ thuật kĩ năng hoà bình ky niem tin";
        let words = ["nghị", "quyết", "kỹ", "hòa"];
        let wanted: HashSet<String> = words.iter().map(|w| Form::Folded.apply(w)).collect();
        let s = snippet(text, &mut Matcher::new(&wanted));
        for expected in [
            "<mark>Nghi\u{0323}</mark>",
            "<mark>QUYẾT</mark>",
            "<mark>Kỹ</mark>",
            "<mark>kĩ</mark>",
            "<mark>hoà</mark>",
            "<mark>ky</mark>",
        ] {
            assert!(s.contains(expected), "{expected} in {s}");
        }
        for plain in ["thuật", "năng", "bình", "niem", "tin"] {
            assert!(
                !s.contains(&format!("<mark>{plain}</mark>")),
                "{plain} in {s}"
            );
        }
        let analyzed: Vec<bool> = crate::analyzer::analyze(text, Form::Folded)
            .iter()
            .map(|t| wanted.contains(&t.text))
            .collect();
        assert_eq!(
            s.matches("<mark>").count(),
            analyzed.iter().filter(|m| **m).count()
        );
    }

    #[test]
    fn a_matcher_shared_by_the_hits_of_a_query_marks_as_fresh_ones_do() {
        // The second text repeats words the first one folded (`Nghị`, `quyết`, `kỹ`): the
        // remembered folds must mark them exactly as a fresh matcher does.
        let wanted = terms(&["nghi", "quyet", "ki", "huyen"]);
        let texts = [
            "Nghị quyết của Hội đồng nhân dân huyện về kỹ thuật",
            "Kỹ sư huyện Than Uyên thảo luận nghị quyết; tay nghề, ky thuat, NGHỊ QUYẾT",
        ];
        let mut shared = Matcher::new(&wanted);
        for text in texts {
            assert_eq!(
                snippet(text, &mut shared),
                snippet(text, &mut Matcher::new(&wanted)),
                "{text}"
            );
        }
        assert_eq!(
            snippet(texts[1], &mut shared),
            "<mark>Kỹ</mark> sư <mark>huyện</mark> Than Uyên thảo luận <mark>nghị</mark> \
             <mark>quyết</mark>; tay nghề, <mark>ky</mark> thuat, <mark>NGHỊ</mark> \
             <mark>QUYẾT</mark>"
        );
    }

    #[test]
    fn the_sliding_window_picks_what_counting_every_window_picks() {
        // Every window counted from scratch, as the definition says.
        let brute = |syllables: &[Scanned]| {
            let last_start = syllables.len().saturating_sub(WINDOW);
            let mut best = (0usize, 0usize, 0usize);
            for at in (0..syllables.len()).filter(|&i| syllables[i].term.is_some()) {
                let start = at.saturating_sub(3).min(last_start);
                let end = (start + WINDOW).min(syllables.len());
                let mut distinct: Vec<usize> = Vec::new();
                let mut count = 0;
                for term in syllables[start..end].iter().filter_map(|s| s.term) {
                    if !distinct.contains(&term) {
                        distinct.push(term);
                    }
                    count += 1;
                }
                if (distinct.len(), count) > (best.1, best.2) {
                    best = (start, distinct.len(), count);
                }
            }
            best.0
        };
        let words = [
            "nghị", "quyết", "của", "huyện", "về", "nông", "thôn", "mới", "đất", "rừng",
        ];
        let wanted = terms(&["nghi", "quyet", "nong", "thon", "moi", "rung"]);
        for seed in 0..200u64 {
            let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let len = 5 + (seed as usize * 7) % 120;
            let text: Vec<&str> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    words[(state >> 33) as usize % words.len()]
                })
                .collect();
            let text = text.join(" ");
            let mut matcher = Matcher::new(&wanted);
            let syllables = scan(&text, &mut matcher);
            let matches: Vec<(usize, usize)> = syllables
                .iter()
                .enumerate()
                .filter_map(|(i, s)| s.term.map(|term| (i, term)))
                .collect();
            assert_eq!(
                best_window(&matches, syllables.len(), matcher.keys.len()),
                brute(&syllables),
                "{text}"
            );
        }
    }

    #[test]
    fn no_match_gives_the_beginning() {
        let s = snippet("một hai ba", &mut Matcher::new(&terms(&["xyz"])));
        assert_eq!(s, "một hai ba");
        assert_eq!(snippet("", &mut Matcher::new(&terms(&["a"]))), "");
    }
}
