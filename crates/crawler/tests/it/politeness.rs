//! Politeness against the fixture server's faults, checked from its request log.
