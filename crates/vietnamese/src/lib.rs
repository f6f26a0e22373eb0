//! Pure Vietnamese text functions used by the crawler, the indexer and the query service.
//!
//! No IO and no Tantivy here: every function takes text (or bytes) and returns text, so each
//! rule of the normalisation pipeline (R1-R14 in the project's Vietnamese notes) can be tested
//! on its own. One module per stage:
//! - [`decode`]: bytes to NFC text, with legacy-encoding detection (R1);
//! - [`normalize`]: the *exact* form (NFC, invisible characters, Đ fix, lowercase, canonical
//!   tone placement: R2-R5); [`variant`]: the i/y-unified form (R6); [`fold`]: the
//!   diacritic-free form (R7); [`forms`]: all three for one token (what R14 ranks);
//! - [`tokenize`]: syllable tokens with byte offsets into the source text, [`bigrams`] (R13);
//!   nothing is removed (R12);
//! - [`DocNumber`]: document numbers ("Số, ký hiệu", R10) and the document-type vocabulary;
//! - [`telex`]: Telex/VNI-typed queries (R8); [`abbreviations`]: acronyms both ways (R11);
//! - [`restore`]: diacritic restoration from syllable statistics (R9); [`ocrfix`]: the same
//!   statistics correcting the marks of OCR output;
//! - [`stopwords`]: R12 (nothing removed; long queries down-weight function words);
//! - [`is_valid_syllable`]: the syllable parser's validity check (used by R1 and R8).

pub mod abbreviations;
mod decode;
mod docnumber;
mod doctype;
mod error;
mod legacy;
mod letters;
mod normalize;
pub mod ocrfix;
pub mod restore;
pub mod stopwords;
mod syllable;
pub mod telex;
mod tokenize;

pub use decode::{Decoded, decode};
pub use docnumber::{DocNumber, DocNumberQuery, find_doc_numbers};
pub use doctype::{DOC_TYPES, doc_type_abbr, doc_type_name};
pub use error::{Error, Result};
pub use legacy::{LEGACY_ENCODINGS, Legacy, detect_legacy, repair_mojibake, valid_syllable_ratio};
pub use normalize::{
    Forms, fold, fold_exact, forms, is_invisible, normalize, variant, variant_exact,
};
pub use syllable::is_valid_syllable;
pub use tokenize::{Token, bigrams, token_spans, token_spans_by_char, tokenize};
