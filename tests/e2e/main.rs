//! End-to-end tests: crawl the fixture portal, index it, serve it, query it over HTTP.
