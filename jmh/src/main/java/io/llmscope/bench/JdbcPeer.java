package io.llmscope.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** DuckDB (in this process) or PostgreSQL (a server), both over JDBC. */
abstract class JdbcPeer implements Peer {
  final Connection connection;

  JdbcPeer(Connection connection) {
    this.connection = connection;
  }

  @Override
  public Answer select(String sql) throws Exception {
    try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return Answer.fromResultSet(rs);
    }
  }

  @Override
  public String version() throws Exception {
    return String.valueOf(select("SELECT version()").rows().get(0).get(0));
  }

  @Override
  public void close() throws Exception {
    connection.close();
  }
}
