//! Email notifications: an outbox written in the same transaction as the event, and a worker
//! that sends it with lettre (see DESIGN.md, "Email"). Not built yet: until it is, the links
//! that would be mailed (invitations, password resets) are shown to the admin who made them
//! and printed by `imprimatur user add`.
