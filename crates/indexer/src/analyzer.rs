//! Vietnamese analyzers for Tantivy: one tokenizer type wrapping [`vietnamese::tokenize`] and the
//! form functions, producing the `exact` (R2-R5), `variant` (R6) and `folded` (R7) terms, plus
//! syllable bigrams for adjacency (R13). No stop words are removed (R12).
//!
//! [`register_analyzers`] registers every analyzer under the names below; the schema and the
//! query builder share these names and the [`Form`] functions, so index and query side always
//! agree.
//!
//! The variant fields hold a token's variant form only where a search can ask for it
//! ([`variant_is_indexed`]); every other token is indexed there as [`UNREAD_VARIANT`], so the
//! fields keep their token counts (norms, and so every BM25 score, unchanged) while most of
//! their tokens cost one hot term instead of one term each. A generation indexed before
//! holds every variant: the same postings for every variant a search reads, and the exact
//! postings' documents for the others, so it answers the same.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tantivy::Index;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use vietnamese::Forms;

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

/// What the variant fields hold in place of a variant no search reads (see
/// [`variant_is_indexed`]): not a word character, so no query term is ever this.
pub const UNREAD_VARIANT: &str = "_";

/// Whether the variant fields hold the variant form of a token whose exact form is `exact`
/// (else they hold [`UNREAD_VARIANT`]).
///
/// A search reads the variant tier only for a variant that another spelling unifies to (a
/// query syllable whose variant differs from it, R6: `kỹ` asks for `kĩ`), so the fields need
/// exactly those: a token's variant when it differs from the token, or when the token is the
/// unified spelling of another one (`kĩ`, whose other spelling `kỹ` unifies to it). R6 only
/// swaps a word's last letter between `i` and `y` (same tone), so the other spelling is that
/// swap. Anything else (`rừng`, `tay`, `2023`) has a variant field posting equal to its exact
/// one, and is never asked for there.
pub fn variant_is_indexed(exact: &str) -> bool {
    variant_read(exact, &vietnamese::variant_exact(exact))
}

/// [`variant_is_indexed`] given the token's variant too.
fn variant_read(exact: &str, variant: &str) -> bool {
    if variant != exact {
        return true;
    }
    let Some(last) = variant.chars().next_back() else {
        return false;
    };
    let Some(swapped) = swap_i_y(last) else {
        return false;
    };
    let mut other = String::with_capacity(variant.len() + 1);
    other.push_str(&variant[..variant.len() - last.len_utf8()]);
    other.push(swapped);
    vietnamese::variant_exact(&other) == variant
}

/// `i` for `y` and back, keeping the tone mark.
fn swap_i_y(c: char) -> Option<char> {
    const I: [char; 6] = ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'];
    const Y: [char; 6] = ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'];
    if let Some(k) = I.iter().position(|&i| i == c) {
        return Some(Y[k]);
    }
    Y.iter().position(|&y| y == c).map(|k| I[k])
}

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
    /// Applies this form to one token already in exact form (normalising it again would
    /// change nothing: the exact form is idempotent).
    pub fn apply(self, exact: &str) -> String {
        match self {
            Form::Exact => exact.to_owned(),
            Form::Variant => vietnamese::variant_exact(exact),
            // Folding starts from the variant form itself (R7.3).
            Form::Folded => vietnamese::fold_exact(exact),
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
            text: match form {
                Form::Exact => t.text,
                _ => form.apply(&t.text),
            },
            start: t.start,
            end: t.end,
            position,
        })
        .collect()
}

/// Joins two syllables into a bigram term.
pub fn bigram(first: &str, second: &str) -> String {
    // Built by hand: `format!` costs more than the copy (queries build many bigrams).
    let mut pair = String::with_capacity(first.len() + 1 + second.len());
    pair.push_str(first);
    pair.push('_');
    pair.push_str(second);
    pair
}

/// A Tantivy tokenizer producing one [`Form`] of Vietnamese syllables, or their bigrams.
///
/// Every analyzer of a document works from one [`Analysis`] of its text, made once per thread
/// and text (see [`analysis_of`]), so the three forms and the bigrams of a field cost one pass.
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

/// One kept syllable of an analysed text: where it is and all its forms.
#[derive(Debug, Clone)]
struct Analysed {
    start: usize,
    end: usize,
    position: usize,
    forms: Rc<TokenForms>,
}

/// The forms of one source token, and whether the variant fields hold its variant
/// ([`variant_is_indexed`]).
#[derive(Debug)]
struct TokenForms {
    forms: Forms,
    variant_read: bool,
}

/// A text cut into syllables with every form of each: what [`analyze`] gives for each
/// [`Form`], computed in one pass.
#[derive(Debug, Default)]
struct Analysis {
    text: String,
    /// Tokens cut, over-long ones included (the next position).
    tokens: usize,
    /// The syllables kept (shorter than [`MAX_TOKEN_BYTES`]).
    syllables: Vec<Analysed>,
}

/// Distinct source tokens remembered per thread before the memo starts over.
const MEMO_LIMIT: usize = 50_000;

/// The per-thread memory of the analysis: the forms of every source token seen (a language
/// has a few thousand syllables, so normalising each occurrence again is waste) and the last
/// two texts analysed (a document's title and text, asked for by three or five fields each).
#[derive(Debug, Default)]
struct Memo {
    forms: FxHashMap<Box<str>, Rc<TokenForms>>,
    recent: [Option<Rc<Analysis>>; 2],
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// What a token stream walks: one remembered analysis, or two of them read as
/// `first\nsecond` (the bigram fields index `title\ntext`; a line break always ends a token, so
/// that equals analysing the joined text whole), without copying either.
#[derive(Debug)]
struct Walk {
    first: Rc<Analysis>,
    second: Option<Rc<Analysis>>,
}

impl Walk {
    /// The `i`th kept syllable: its offsets and position in the walked text, and its forms.
    fn syllable(&self, i: usize) -> Option<(usize, usize, usize, &TokenForms)> {
        let first = &self.first;
        if let Some(s) = first.syllables.get(i) {
            return Some((s.start, s.end, s.position, &s.forms));
        }
        let second = self.second.as_ref()?;
        let s = second.syllables.get(i - first.syllables.len())?;
        let shift = first.text.len() + 1;
        Some((
            s.start + shift,
            s.end + shift,
            s.position + first.tokens,
            &s.forms,
        ))
    }
}

/// The analysis of `text`: remembered when this thread analysed the same text last or second
/// to last, read as two such texts when `text` is them joined by a line break, else made now.
fn analysis_of(text: &str) -> Walk {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(hit) = memo.recent.iter().flatten().find(|a| a.text == text) {
            return Walk {
                first: Rc::clone(hit),
                second: None,
            };
        }
        if let Some(joined) = memo.joined(text) {
            return joined;
        }
        // The analysis about to be forgotten lends its buffers to the new one (a body's
        // syllables take tens of kilobytes: allocating them afresh for every text costs page
        // faults), unless a token stream still reads it.
        let spare = memo.recent[1]
            .take()
            .and_then(|old| Rc::try_unwrap(old).ok())
            .unwrap_or_default();
        let analysis = Rc::new(memo.analyse(text, spare));
        memo.recent.swap(0, 1);
        memo.recent[0] = Some(Rc::clone(&analysis));
        Walk {
            first: analysis,
            second: None,
        }
    })
}

impl Memo {
    /// The forms of one source token (`vietnamese::forms` is `normalize`, then the variant
    /// and the folded form of that, exactly as [`Form::apply`] on the exact form).
    fn forms_of(&mut self, raw: &str) -> Rc<TokenForms> {
        if let Some(forms) = self.forms.get(raw) {
            return Rc::clone(forms);
        }
        if self.forms.len() >= MEMO_LIMIT {
            self.forms.clear();
        }
        let forms = vietnamese::forms(raw);
        let forms = Rc::new(TokenForms {
            variant_read: variant_read(&forms.exact, &forms.variant),
            forms,
        });
        self.forms.insert(raw.into(), Rc::clone(&forms));
        forms
    }

    /// Analyses `text` into the buffers of `spare` (an analysis no longer needed).
    fn analyse(&mut self, text: &str, spare: Analysis) -> Analysis {
        let Analysis {
            text: mut copy,
            mut syllables,
            ..
        } = spare;
        syllables.clear();
        // About one token per 5 bytes of Vietnamese text: room enough not to grow.
        syllables.reserve(text.len() / 4 + 1);
        copy.clear();
        copy.push_str(text);
        let mut tokens = 0;
        for (position, (start, end)) in vietnamese::token_spans(text).enumerate() {
            tokens = position + 1;
            let forms = self.forms_of(&text[start..end]);
            if forms.forms.exact.len() < MAX_TOKEN_BYTES {
                syllables.push(Analysed {
                    start,
                    end,
                    position,
                    forms,
                });
            }
        }
        Analysis {
            text: copy,
            tokens,
            syllables,
        }
    }

    /// `text` as `first\nsecond` of two remembered analyses, if it is that.
    fn joined(&self, text: &str) -> Option<Walk> {
        let recent = || self.recent.iter().flatten();
        for first in recent() {
            let Some(rest) = text
                .strip_prefix(first.text.as_str())
                .and_then(|rest| rest.strip_prefix('\n'))
            else {
                continue;
            };
            if let Some(second) = recent().find(|second| second.text == rest) {
                return Some(Walk {
                    first: Rc::clone(first),
                    second: Some(Rc::clone(second)),
                });
            }
        }
        None
    }
}

/// The token stream of a [`VietnameseTokenizer`]: walks the shared analyses, writing each
/// term into one reused token.
#[derive(Debug)]
pub struct VietnameseTokenStream {
    walk: Walk,
    form: Form,
    bigrams: bool,
    next: usize,
    current: Token,
}

/// The term of `forms` in `form`: for the variant form, [`UNREAD_VARIANT`] when no search
/// reads it.
fn form_text(forms: &TokenForms, form: Form) -> &str {
    match form {
        Form::Exact => &forms.forms.exact,
        Form::Variant if forms.variant_read => &forms.forms.variant,
        Form::Variant => UNREAD_VARIANT,
        Form::Folded => &forms.forms.folded,
    }
}

impl TokenStream for VietnameseTokenStream {
    fn advance(&mut self) -> bool {
        let i = self.next;
        let Some((start, end, position, forms)) = self.walk.syllable(i) else {
            return false;
        };
        let (end, position, second) = if self.bigrams {
            let Some((_, second_end, _, second)) = self.walk.syllable(i + 1) else {
                return false;
            };
            (second_end, i, Some(second))
        } else {
            (end, position, None)
        };
        let token = &mut self.current;
        token.text.clear();
        token.text.push_str(form_text(forms, self.form));
        if let Some(second) = second {
            token.text.push('_');
            token.text.push_str(form_text(second, self.form));
        }
        token.offset_from = start;
        token.offset_to = end;
        token.position = position;
        token.position_length = 1;
        self.next = i + 1;
        true
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
        VietnameseTokenStream {
            walk: analysis_of(text),
            form: self.form,
            bigrams: self.bigrams,
            next: 0,
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
    fn variant_fields_hold_the_variants_a_search_reads() {
        let text = "Kỹ thuật, kĩ năng; lý do, lí lịch; quý, quí, Mỹ, thi, thy; tay, rừng, 2023";
        assert_eq!(
            texts(VietnameseTokenizer::new(Form::Variant), text),
            [
                "kĩ", "_", "kĩ", "_", "lí", "_", "lí", "_", "quý", "quý", "mĩ", "thi", "thi", "_",
                "_", "_"
            ]
        );
        // Positions and offsets are those of the exact form.
        let exact = tokens(VietnameseTokenizer::new(Form::Exact), text);
        let variant = tokens(VietnameseTokenizer::new(Form::Variant), text);
        let at = |t: &[Token]| -> Vec<(usize, usize, usize)> {
            t.iter()
                .map(|t| (t.offset_from, t.offset_to, t.position))
                .collect()
        };
        assert_eq!(at(&variant), at(&exact));
    }

    /// Every syllable a Vietnamese initial, `i` or `y` with any tone, and an optional final
    /// can spell (plus a few non-syllables).
    fn i_y_words() -> Vec<String> {
        let initials = [
            "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
            "ngh", "nh", "p", "ph", "q", "qu", "r", "s", "t", "th", "tr", "v", "x", "u", "o",
        ];
        let finals = ["", "n", "nh", "t", "ch", "m", "p", "u", "ê", "ên", "ết"];
        let vowels = [
            'i', 'ì', 'í', 'ỉ', 'ĩ', 'ị', 'y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ', 'a', 'ư',
        ];
        let mut words = vec!["kyky".to_owned(), "iy".to_owned(), "yi".to_owned()];
        for initial in initials {
            for vowel in vowels {
                for fin in finals {
                    words.push(vietnamese::normalize(&format!("{initial}{vowel}{fin}")));
                }
            }
        }
        words
    }

    #[test]
    fn every_variant_a_search_asks_for_is_indexed_for_every_spelling() {
        let words = i_y_words();
        for asked in &words {
            let variant = Form::Variant.apply(asked);
            // A search reads the variant fields for a syllable whose variant differs from it.
            if variant == *asked {
                continue;
            }
            assert!(variant_is_indexed(asked), "{asked}");
            for spelling in words.iter().filter(|w| Form::Variant.apply(w) == variant) {
                assert!(variant_is_indexed(spelling), "{spelling}, asked as {asked}");
            }
        }
        // And nothing else: a word that no other spelling unifies to is not indexed there.
        for word in &words {
            let variant = Form::Variant.apply(word);
            let spellings = words
                .iter()
                .filter(|w| Form::Variant.apply(w) == variant)
                .count();
            if variant == *word && spellings == 1 {
                assert!(!variant_is_indexed(word), "{word}");
            }
        }
        for unread in ["tay", "tuy", "quỳnh", "yêu", "rừng", "nghị", "2023", "uy"] {
            assert!(!variant_is_indexed(unread), "{unread}");
        }
        for read in [
            "kỹ", "kĩ", "ky", "ki", "quý", "quí", "qui", "quy", "thy", "thi", "mĩ",
        ] {
            assert!(variant_is_indexed(read), "{read}");
        }
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

    /// The analyzer as it was before one analysis fed every form: `analyze` per form, bigrams
    /// over its output. The one-pass tokenizer must give exactly these tokens.
    pub(crate) fn reference_tokens(tokenizer: VietnameseTokenizer, text: &str) -> Vec<Token> {
        let mut syllables = analyze(text, tokenizer.form);
        if tokenizer.form == Form::Variant {
            // The variant fields hold what a search reads, the rest as one unread term.
            for (syllable, exact) in syllables.iter_mut().zip(analyze(text, Form::Exact)) {
                if !variant_is_indexed(&exact.text) {
                    syllable.text = UNREAD_VARIANT.to_owned();
                }
            }
        }
        if tokenizer.bigrams {
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
        }
    }

    /// Every analyzer the schema uses.
    pub(crate) fn all_tokenizers() -> [VietnameseTokenizer; 5] {
        [
            VietnameseTokenizer::new(Form::Exact),
            VietnameseTokenizer::new(Form::Variant),
            VietnameseTokenizer::new(Form::Folded),
            VietnameseTokenizer::bigrams(Form::Exact),
            VietnameseTokenizer::bigrams(Form::Folded),
        ]
    }

    /// Analyses `title`, `text` and `title\ntext` in the order a document's fields ask for
    /// them (the remembered and the joined analyses) and compares with the reference.
    fn assert_document_like(title: &str, text: &str) {
        let all = format!("{title}\n{text}");
        for (source, tokenizers) in [
            (title, &all_tokenizers()[..3]),
            (text, &all_tokenizers()[..3]),
            (all.as_str(), &all_tokenizers()[..]),
            // Asked again out of order: remembered texts must still be right.
            (title, &all_tokenizers()[..]),
        ] {
            for tokenizer in tokenizers {
                assert_eq!(
                    tokens(*tokenizer, source),
                    reference_tokens(*tokenizer, source),
                    "{tokenizer:?} on {source:?}"
                );
            }
        }
    }

    #[test]
    fn one_pass_equals_one_pass_per_form_on_vietnamese_documents() {
        assert_document_like(
            "Nghị quyết số 140/NQ-HĐND về hỗ trợ phát triển nông thôn mới",
            "Ủy ban nhân dân huyện Than Uyên (tỉnh Lai Châu) thông báo: hoà, hòa, thủy, thuỷ, \
             kỹ thuật, kĩ năng, quý, quí, Mỹ; Đà Nẵng, ĐẮK LẮK.\n\nĐiều 36. Thanh niên",
        );
        // NFD input, soft hyphen and zero-width joiners, an over-long token, an empty body.
        assert_document_like(
            "Nghi\u{0323} quye\u{0302}\u{0301}t",
            &format!(
                "xã\u{00AD}hội {} Mường Kim\u{200B}",
                "a".repeat(MAX_TOKEN_BYTES)
            ),
        );
        assert_document_like("Tin tức", "");
        assert_document_like("", "Khoẻ mạnh");
        // The same text as title and body.
        assert_document_like("Lai Châu", "Lai Châu");
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
                    let exact = &analyze(cut, Form::Exact)[0].text;
                    let want = if form == Form::Variant && !variant_is_indexed(exact) {
                        UNREAD_VARIANT
                    } else {
                        &again[0].text
                    };
                    prop_assert_eq!(want, &token.text);
                }
            }
        }

        #[test]
        fn one_pass_equals_one_pass_per_form(
            title in "[a-zA-Z0-9 ,./\n-àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐÀÁ\u{0300}\u{0301}\u{0323}\u{00AD}]{0,40}",
            text in "[a-zA-Z0-9 ,./\n-àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵĐÀÁ\u{0300}\u{0301}\u{0323}\u{00AD}]{0,80}",
        ) {
            assert_document_like(&title, &text);
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
