package com.loginetl.storage;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ StorageProperties.class, PartitionProperties.class })
class StorageConfiguration {

}
