-- The queue pickup.pgbench drains: 64 agents in one topic, 400,000 waiting sessions.
INSERT INTO associate (name) SELECT 'agent' || i FROM generate_series(1, 64) i;
INSERT INTO chat_topic (name) VALUES ('Sales');
INSERT INTO chat_topic_user (user_id, topic_id, can_respond)
    SELECT associate_id, 1, true FROM associate;
INSERT INTO chat_session (topic_id, name, status, when_requested)
    SELECT 1, 'customer ' || i, 4, timestamptz '2026-01-01' + i * interval '1 second'
    FROM generate_series(1, 400000) i;
VACUUM ANALYZE;
