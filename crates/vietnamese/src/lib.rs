//! Pure Vietnamese text functions used by the crawler, the indexer and the query service.
//!
//! No IO and no Tantivy here: every function takes text (or bytes) and returns text, so each
//! rule of the normalisation pipeline (R1-R14 in the project's Vietnamese notes) can be tested
//! on its own.
//!
//! The public surface is deliberately small and stable; other crates build on it:
//! - [`decode`]: bytes to text, with legacy-encoding detection (R1);
//! - [`normalize`]: the *exact* form (NFC, invisible characters, Đ fix, lowercase, canonical
//!   tone placement: R2-R5);
//! - [`variant`]: the i/y-unified form of normalised text (R6);
//! - [`fold`]: the diacritic-free form (R7);
//! - [`tokenize`]: syllable tokens with byte offsets into the source text;
//! - [`DocNumber`]: document numbers ("Số, ký hiệu", R10).

mod docnumber;
mod normalize;
mod tokenize;

pub use docnumber::{DocNumber, find_doc_numbers};
pub use normalize::{Decoded, decode, fold, normalize, variant};
pub use tokenize::{Token, tokenize};
