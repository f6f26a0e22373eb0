//! The search service: JSON API, the Vietnamese web page and the admin endpoints, over the
//! indexer's search API.
