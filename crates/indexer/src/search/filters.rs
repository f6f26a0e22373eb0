//! The request's filters (kind, site, document type, issuer, signer, field, status, dates), added to
//! a query as scoreless required clauses.

use std::ops::Bound;

use crawler::Kind;
use tantivy::Term;
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};

use super::SearchIndex;
use crate::api::{SearchRequest, Status};
use crate::error::{Error, Result};
use crate::flat::Guard;
use crate::schema::{days, keyword};

impl SearchIndex {
    /// Adds the request's filters (scoreless) to a query.
    pub(super) fn with_filters(
        &self,
        query: Box<dyn Query>,
        request: &SearchRequest,
    ) -> Result<Box<dyn Query>> {
        let filters = self.filters(request)?;
        if filters.is_empty() {
            return Ok(query);
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        clauses.extend(
            filters
                .into_iter()
                .map(|q| (Occur::Must, Box::new(Guard::new(q)) as Box<dyn Query>)),
        );
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// The request's filters, each a query of the records it keeps (none when unfiltered).
    pub(super) fn filters(&self, request: &SearchRequest) -> Result<Vec<Box<dyn Query>>> {
        let f = &self.fields;
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        let mut kind = request.kind;
        if let Some(status) = request.status {
            if kind == Some(Kind::News) {
                return Err(Error::InvalidRequest(
                    "status applies to legal documents only".to_owned(),
                ));
            }
            kind = Some(Kind::Legal);
            let today = days(
                request
                    .today
                    .unwrap_or_else(|| chrono::Local::now().date_naive()),
            );
            let range = match status {
                Status::ConHieuLuc => (Bound::Excluded(today), Bound::Unbounded),
                Status::HetHieuLuc => (Bound::Unbounded, Bound::Included(today)),
            };
            filters.push(i64_range(f.expiry_days, range));
        }
        if let Some(kind) = kind {
            filters.push(Box::new(TermQuery::new(
                Term::from_field_text(f.kind, kind.as_str()),
                IndexRecordOption::Basic,
            )));
        }
        for (field, value) in [
            (f.doc_type_key, &request.doc_type),
            (f.issuer_key, &request.issuer),
            (f.signer_key, &request.signer),
            (f.field_key, &request.field),
        ] {
            if let Some(value) = value.as_deref().map(keyword).filter(|v| !v.is_empty()) {
                filters.push(Box::new(TermQuery::new(
                    Term::from_field_text(field, &value),
                    IndexRecordOption::Basic,
                )));
            }
        }
        if !request.sites.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = request
                .sites
                .iter()
                .map(|site| {
                    let term = TermQuery::new(
                        Term::from_field_text(f.site, site.trim()),
                        IndexRecordOption::Basic,
                    );
                    (Occur::Should, Box::new(term) as Box<dyn Query>)
                })
                .collect();
            filters.push(Box::new(BooleanQuery::new(any)));
        }
        if let (Some(from), Some(to)) = (request.date_from, request.date_to)
            && from > to
        {
            return Err(Error::InvalidRequest(format!(
                "date_from {from} is after date_to {to}"
            )));
        }
        if request.date_from.is_some() || request.date_to.is_some() {
            let lower = request
                .date_from
                .map_or(Bound::Unbounded, |d| Bound::Included(days(d)));
            let upper = request
                .date_to
                .map_or(Bound::Unbounded, |d| Bound::Included(days(d)));
            filters.push(i64_range(f.date_days, (lower, upper)));
        }
        Ok(filters)
    }
}

fn i64_range(field: Field, (lower, upper): (Bound<i64>, Bound<i64>)) -> Box<dyn Query> {
    let map = |b: Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(Term::from_field_i64(field, v)),
        Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(map(lower), map(upper)))
}
