DROP FUNCTION audit_log_append_only CASCADE;
DROP TABLE audit_log;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE account_tokens;
DROP TABLE user_roles;
DROP TABLE users;
