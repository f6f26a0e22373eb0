//! Vietnamese analyzers for Tantivy: one tokenizer type wrapping [`vietnamese::tokenize`] and the
//! form functions, producing the `exact` (R2-R5), `variant` (R6) and `folded` (R7) terms, plus
//! syllable bigrams for adjacency (R13). No stop words are removed (R12).
//!
//! [`register_analyzers`] registers every analyzer under the names below; the schema and the
//! query builder share these names and the [`Form`] functions, so index and query side always
//! agree.

use tantivy::Index;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Analyzer of the exact form: NFC, lowercase, canonical tone placement.
pub const EXACT: &str = "vi_exact";
/// Analyzer of the i/y-unified form.
pub const VARIANT: &str = "vi_variant";
/// Analyzer of the diacritic-free form.
pub const FOLDED: &str = "vi_folded";
/// Analyzer of exact-form syllable bigrams (`nông_thôn`).
pub const BIGRAM_EXACT: &str = "vi_bigram_exact";
/// Analyzer of folded-form syllable bigrams (`nong_thon`).
pub const BIGRAM_FOLDED: &str = "vi_bigram_folded";

/// Tokens at least this many bytes long are dropped, as Tantivy's default analyzer does.
pub const MAX_TOKEN_BYTES: usize = 40;

/// Which form of a syllable a term holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Normalised, canonical tone placement (R2-R5).
    Exact,
    /// The exact form with i/y unified (R6).
    Variant,
    /// Diacritics removed, `đ` -> `d` (R7), computed from the variant form (R7.3).
    Folded,
}

impl Form {
    /// Applies this form to one token already in exact form.
    pub fn apply(self, exact: &str) -> String {
        match self {
            Form::Exact => exact.to_owned(),
            Form::Variant => vietnamese::variant(exact),
            // `fold` starts from the variant form itself (R7.3), and the variant is idempotent.
            Form::Folded => vietnamese::fold(exact),
        }
    }
}

/// One analysed syllable with its byte offsets in the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Syllable {
    /// The term in the requested form.
    pub text: String,
    /// Byte offset of the first byte in the source.
    pub start: usize,
    /// Byte offset just past the last byte in the source.
    pub end: usize,
    /// Position (syllable index, counting dropped over-long tokens too).
    pub position: usize,
}

/// Splits text into syllables and applies a form (the analyzer pipeline without Tantivy).
pub fn analyze(text: &str, form: Form) -> Vec<Syllable> {
    vietnamese::tokenize(text)
        .into_iter()
        .enumerate()
        .filter(|(_, t)| t.text.len() < MAX_TOKEN_BYTES)
        .map(|(position, t)| Syllable {
            text: form.apply(&t.text),
            start: t.start,
            end: t.end,
            position,
        })
        .collect()
}

/// Joins two syllables into a bigram term.
pub fn bigram(first: &str, second: &str) -> String {
    format!("{first}_{second}")
}

/// A Tantivy tokenizer producing one [`Form`] of Vietnamese syllables, or their bigrams.
#[derive(Debug, Clone, Copy)]
pub struct VietnameseTokenizer {
    form: Form,
    bigrams: bool,
}

impl VietnameseTokenizer {
    /// A tokenizer emitting single syllables in `form`.
    pub fn new(form: Form) -> Self {
        Self {
            form,
            bigrams: false,
        }
    }

    /// A tokenizer emitting `first_second` bigrams of consecutive syllables in `form`.
    pub fn bigrams(form: Form) -> Self {
        Self {
            form,
            bigrams: true,
        }
    }
}

/// The token stream of a [`VietnameseTokenizer`]: all tokens computed up front.
#[derive(Debug)]
pub struct VietnameseTokenStream {
    tokens: Vec<Token>,
    index: usize,
    current: Token,
}

impl TokenStream for VietnameseTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.current = std::mem::take(&mut self.tokens[self.index]);
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

impl Tokenizer for VietnameseTokenizer {
    type TokenStream<'a> = VietnameseTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        let syllables = analyze(text, self.form);
        let tokens = if self.bigrams {
            syllables
                .windows(2)
                .enumerate()
                .map(|(position, pair)| Token {
                    offset_from: pair[0].start,
                    offset_to: pair[1].end,
                    position,
                    text: bigram(&pair[0].text, &pair[1].text),
                    position_length: 1,
                })
                .collect()
        } else {
            syllables
                .into_iter()
                .map(|s| Token {
                    offset_from: s.start,
                    offset_to: s.end,
                    position: s.position,
                    text: s.text,
                    position_length: 1,
                })
                .collect()
        };
        VietnameseTokenStream {
            tokens,
            index: 0,
            current: Token::default(),
        }
    }
}

/// Registers every analyzer of this crate on an index (call it after opening or creating one).
pub fn register_analyzers(index: &Index) {
    let manager = index.tokenizers();
    manager.register(EXACT, VietnameseTokenizer::new(Form::Exact));
    manager.register(VARIANT, VietnameseTokenizer::new(Form::Variant));
    manager.register(FOLDED, VietnameseTokenizer::new(Form::Folded));
    manager.register(BIGRAM_EXACT, VietnameseTokenizer::bigrams(Form::Exact));
    manager.register(BIGRAM_FOLDED, VietnameseTokenizer::bigrams(Form::Folded));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::tokenizer::TextAnalyzer;

    fn tokens(tokenizer: VietnameseTokenizer, text: &str) -> Vec<Token> {
        let mut analyzer = TextAnalyzer::from(tokenizer);
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        stream.process(&mut |t| out.push(t.clone()));
        out
    }

    fn texts(tokenizer: VietnameseTokenizer, text: &str) -> Vec<String> {
        tokens(tokenizer, text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn exact_keeps_marks_and_lowercases() {
        assert_eq!(
            texts(
                VietnameseTokenizer::new(Form::Exact),
                "Nghị quyết HĐND tỉnh"
            ),
            ["nghị", "quyết", "hđnd", "tỉnh"]
        );
    }

    #[test]
    fn nfd_input_is_not_split_at_combining_marks() {
        let nfd = "Nghi\u{0323} quye\u{0302}\u{0301}t";
        assert_eq!(
            texts(VietnameseTokenizer::new(Form::Folded), nfd),
            ["nghi", "quyet"]
        );
    }

    #[test]
    fn folded_removes_marks_and_stroke() {
        assert_eq!(
            texts(
                VietnameseTokenizer::new(Form::Folded),
                "Ủy ban nhân dân Đà Nẵng"
            ),
            ["uy", "ban", "nhan", "dan", "da", "nang"]
        );
    }

    #[test]
    fn bigrams_join_consecutive_syllables() {
        assert_eq!(
            texts(VietnameseTokenizer::bigrams(Form::Folded), "nông thôn mới"),
            ["nong_thon", "thon_moi"]
        );
        assert!(texts(VietnameseTokenizer::bigrams(Form::Exact), "một").is_empty());
    }

    #[test]
    fn long_tokens_are_dropped_but_keep_their_position() {
        let long = "a".repeat(MAX_TOKEN_BYTES);
        let toks = tokens(
            VietnameseTokenizer::new(Form::Exact),
            &format!("x {long} y"),
        );
        let positions: Vec<usize> = toks.iter().map(|t| t.position).collect();
        assert_eq!(positions, [0, 2]);
    }

    proptest! {
        #[test]
        fn ascii_text_agrees_with_tantivy_default(text in "[ -~]{0,80}") {
            let mut default = tantivy::tokenizer::TokenizerManager::default()
                .get("default")
                .expect("default analyzer exists");
            let mut stream = default.token_stream(&text);
            let mut expected = Vec::new();
            stream.process(&mut |t| expected.push((t.text.clone(), t.offset_from, t.offset_to, t.position)));
            let ours: Vec<_> = tokens(VietnameseTokenizer::new(Form::Exact), &text)
                .into_iter()
                .map(|t| (t.text, t.offset_from, t.offset_to, t.position))
                .collect();
            prop_assert_eq!(ours, expected);
        }

        #[test]
        fn offsets_cut_text_that_normalizes_to_the_token(text in "[a-zA-Z0-9 ,./àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐÀÁ\u{0300}\u{0301}\u{0323}]{0,60}") {
            for form in [Form::Exact, Form::Variant, Form::Folded] {
                for token in tokens(VietnameseTokenizer::new(form), &text) {
                    let cut = &text[token.offset_from..token.offset_to];
                    let again = analyze(cut, form);
                    prop_assert_eq!(again.len(), 1);
                    prop_assert_eq!(&again[0].text, &token.text);
                }
            }
        }

        #[test]
        fn folding_the_exact_form_equals_folding_the_text(text in "[a-zA-Z àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệòóỏõọôốồổỗộơớờởỡợ]{0,60}") {
            let via_exact: Vec<String> = analyze(&text, Form::Exact)
                .into_iter()
                .map(|s| Form::Folded.apply(&s.text))
                .collect();
            let direct: Vec<String> = analyze(&text, Form::Folded).into_iter().map(|s| s.text).collect();
            prop_assert_eq!(via_exact, direct);
        }
    }
}
