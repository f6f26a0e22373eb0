//! Killing and resuming a crawl; recrawling an unchanged site.
