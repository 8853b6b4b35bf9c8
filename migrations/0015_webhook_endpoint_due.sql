-- The sender claims due deliveries endpoint by endpoint, each up to its free slots (so a
-- hanging receiver holds one slot, not all eight): this index finds an endpoint's pending
-- deliveries in due order without walking the ones already sent.
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, next_attempt_at, id)
    WHERE status = 'pending';
