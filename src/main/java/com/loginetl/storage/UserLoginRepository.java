package com.loginetl.storage;

import org.springframework.data.repository.Repository;

/** The rows of {@code user_logins}. Writes go through {@link NewLoginInserts}, one statement a batch. */
public interface UserLoginRepository extends Repository<UserLogin, Long>, NewLoginInserts {

}
