-- The original take-home table, exactly. IF NOT EXISTS lets a database whose table was created
-- before the service existed go through V1 unchanged (Flyway baselines such a database at 0).
CREATE TABLE IF NOT EXISTS user_logins(
    user_id varchar(128),
    device_type varchar(32),
    masked_ip varchar(256),
    masked_device_id varchar(256),
    locale varchar(32),
    app_version integer,
    create_date date
);
