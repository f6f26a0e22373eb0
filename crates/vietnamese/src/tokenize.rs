//! Splitting text into syllable tokens with byte offsets into the source text.

/// A syllable (or number, or other word) cut from source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token in its exact (normalised) form.
    pub text: String,
    /// Byte offset of the token's first byte in the source text.
    pub start: usize,
    /// Byte offset just past the token's last byte in the source text.
    pub end: usize,
}

/// Splits text on everything that is not alphanumeric (combining marks stay inside tokens).
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let inside = c.is_alphanumeric() || ('\u{0300}'..='\u{036F}').contains(&c);
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                tokens.push(make(text, s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push(make(text, s, text.len()));
    }
    tokens
}

fn make(text: &str, start: usize, end: usize) -> Token {
    Token {
        text: crate::normalize(&text[start..end]),
        start,
        end,
    }
}
