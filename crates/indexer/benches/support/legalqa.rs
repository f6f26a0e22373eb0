//! The human-judged legal statements of ../shared/corpus/legal-qa-dev (see its README): one
//! record per article, titled "Điều N. heading", and every statement (train and test) as a
//! query whose relevant records are its judged articles.

use std::path::Path;

use crawler::{Kind, Record};
use serde::Deserialize;

#[derive(Deserialize)]
struct Law {
    id: String,
    articles: Vec<Article>,
}

#[derive(Deserialize)]
struct Article {
    id: String,
    text: String,
}

#[derive(Deserialize)]
struct Statement {
    statement: String,
    legal_passages: Vec<Passage>,
}

#[derive(Deserialize)]
struct Passage {
    law_id: String,
    article_id: String,
}

/// One judged statement.
pub(crate) struct Question {
    pub(crate) query: String,
    pub(crate) relevant: Vec<String>,
}

/// The record id of an article: law ids hold spaces and commas, so they are numbered.
fn record_id(law: usize, article: &str) -> String {
    format!("lqa-{law:02}-{article}")
}

/// The set: every article as a record, every statement as a question.
pub(crate) struct LegalQa {
    pub(crate) records: Vec<Record>,
    pub(crate) questions: Vec<Question>,
}

/// The articles as records and the statements as questions; `None` when the folder is absent.
pub(crate) fn load(corpus: &Path) -> Result<Option<LegalQa>, Box<dyn std::error::Error>> {
    let dir = corpus.join("legal-qa-dev");
    if !dir.join("legal_passages.json").is_file() {
        return Ok(None);
    }
    let laws: Vec<Law> =
        serde_json::from_reader(std::fs::File::open(dir.join("legal_passages.json"))?)?;
    let mut records = Vec::new();
    for (n, law) in laws.iter().enumerate() {
        for article in &law.articles {
            let id = record_id(n, &article.id);
            let mut r = Record::new(&id, Kind::Legal, format!("https://lqa.example/{id}"));
            let (heading, rest) = article
                .text
                .split_once('\n')
                .unwrap_or((article.text.as_str(), ""));
            r.title = format!("Điều {}. {}", article.id, heading.trim());
            r.body = rest.trim().to_owned();
            r.doc_type = Some(if law.id.starts_with("Hiến pháp") {
                "Hiến pháp".to_owned()
            } else {
                "Luật".to_owned()
            });
            r.fields = vec![law.id.clone()];
            records.push(r);
        }
    }
    let law_number = |name: &str| laws.iter().position(|l| l.id == name);
    let mut questions = Vec::new();
    for file in ["train.json", "test.json"] {
        let statements: Vec<Statement> =
            serde_json::from_reader(std::fs::File::open(dir.join(file))?)?;
        for s in statements {
            let relevant: Vec<String> = s
                .legal_passages
                .iter()
                .filter_map(|p| Some(record_id(law_number(&p.law_id)?, &p.article_id)))
                .collect();
            if relevant.len() != s.legal_passages.len() {
                return Err(format!("unresolved judgment in {file}: {:?}", s.statement).into());
            }
            questions.push(Question {
                query: s.statement,
                relevant,
            });
        }
    }
    Ok(Some(LegalQa { records, questions }))
}
