//! Test support: serves the fixture NukeViet portal on 127.0.0.1 with NukeViet's URL behaviour.
