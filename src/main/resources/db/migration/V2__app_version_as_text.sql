-- Events carry versions such as "2.3.0", "0.96" and "2.00": an integer column cannot hold them,
-- and a numeric one would turn "2.00" into "2". Existing integers become their decimal text.
ALTER TABLE user_logins
    ALTER COLUMN app_version TYPE varchar(32) USING app_version::text;
