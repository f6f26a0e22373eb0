//! R12: no stop-word removal. Nothing is ever removed at index time ([`crate::tokenize`]
//! keeps every syllable, so phrase positions stay exact: `"nông thôn mới"`, `"không thu
//! phí"`, `"số 140/NQ-HĐND"`). At query time, outside quotes, long queries (≥ 4 syllables)
//! may *down-weight* a small list of function words (doc §4.3); `không`, numbers and
//! anything inside quotes keep full weight.

/// Function words that long queries may down-weight (never remove), doc §4.3.
pub const FUNCTION_WORDS: &[&str] = &[
    "và", "của", "các", "những", "là", "thì", "mà", "với", "cho", "đã", "đang", "sẽ", "được", "bị",
    "này", "đó", "rằng",
];

/// Weight given to a down-weighted function word.
pub const FUNCTION_WORD_WEIGHT: f32 = 0.3;

/// True if `token` (any form) is on the down-weight list.
pub fn is_function_word(token: &str) -> bool {
    let exact = crate::normalize(token);
    FUNCTION_WORDS.iter().any(|w| *w == exact)
}

/// [`is_function_word`] of a token already in exact form (a token of [`crate::tokenize`]):
/// the same answer without normalising it again.
pub fn is_function_word_exact(exact: &str) -> bool {
    FUNCTION_WORDS.contains(&exact)
}

/// Query-term weights for R12.2: `1.0` for every token, except function words in an unquoted
/// query of at least four syllables, which get [`FUNCTION_WORD_WEIGHT`]. Never zero.
pub fn query_weights<S: AsRef<str>>(tokens: &[S], quoted: bool) -> Vec<f32> {
    let long = tokens.len() >= 4;
    tokens
        .iter()
        .map(|t| {
            if !quoted && long && is_function_word(t.as_ref()) {
                FUNCTION_WORD_WEIGHT
            } else {
                1.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_removes_nothing() {
        // Content words of the popular 1,941-entry stop list (doc §4.2) all stay.
        let text = "mới bộ số nhà nước cấp năm tháng ngày toà người việc không và của các";
        let tokens = crate::tokenize(text);
        assert_eq!(tokens.len(), text.split(' ').count());
    }

    #[test]
    fn exact_tokens_are_function_words_as_typed() {
        for text in [
            "Và của CÁC những là thì mà với cho đã đang sẽ được bị này đó rằng",
            "không Nhà nước thôn xã",
        ] {
            for token in crate::tokenize(text) {
                assert_eq!(
                    is_function_word_exact(&token.text),
                    is_function_word(&text[token.start..token.end]),
                    "{}",
                    token.text
                );
            }
        }
        assert!(is_function_word_exact("của"));
        assert!(!is_function_word_exact("cua"));
    }

    #[test]
    fn long_queries_down_weight_only() {
        let q = [
            "quy", "định", "của", "ủy", "ban", "về", "không", "thu", "phí",
        ];
        let w = query_weights(&q, false);
        assert_eq!(w[2], FUNCTION_WORD_WEIGHT);
        assert!(w.iter().all(|&x| x > 0.0));
        assert_eq!(w[6], 1.0, "không is never down-weighted");
        assert!(query_weights(&q, true).iter().all(|&x| x == 1.0));
        assert!(
            query_weights(&["của", "huyện"], false)
                .iter()
                .all(|&x| x == 1.0)
        );
    }
}
