package io.segmentrelay.system;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Lets the PostgreSQL driver send a JDBC batch of inserts as multi-row inserts: ingest and the
 * attempt log insert hundreds of rows at a time, and this makes each batch a few round trips.
 */
@Component
class PostgresBatching implements BeanPostProcessor {

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof HikariDataSource hikari
        && hikari.getJdbcUrl() != null
        && hikari.getJdbcUrl().startsWith("jdbc:postgresql:")) {
      hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    return bean;
  }
}
