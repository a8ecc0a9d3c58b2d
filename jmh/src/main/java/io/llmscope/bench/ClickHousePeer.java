package io.llmscope.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * ClickHouse over its HTTP interface, the way Langfuse and SigNoz talk to it: a wide MergeTree
 * table ({@link SpansTable}), rows inserted as CSV in one request, answers read as JSONCompact with
 * 64-bit integers as numbers.
 */
final class ClickHousePeer implements Peer {
  private final ObjectMapper json;
  private final URI base;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  ClickHousePeer(ObjectMapper json, URI base, int queryTimeoutSeconds) {
    this.json = json;
    this.base = base;
    this.timeout = Duration.ofSeconds(queryTimeoutSeconds);
  }

  @Override
  public SqlDialect dialect() {
    return SqlDialect.CLICKHOUSE;
  }

  Load load(Path csv, long rows) throws Exception {
    execute("DROP TABLE IF EXISTS " + SpansTable.NAME);
    execute(SpansTable.createSql(SqlDialect.CLICKHOUSE));
    long t0 = System.nanoTime();
    post("INSERT INTO " + SpansTable.NAME + " FORMAT CSV", HttpRequest.BodyPublishers.ofFile(csv), Duration.ofHours(1));
    double seconds = (System.nanoTime() - t0) / 1e9;
    long stored = ((Number) select("SELECT count() FROM " + SpansTable.NAME).rows().get(0).get(0)).longValue();
    if (stored != rows) throw new IllegalStateException("ClickHouse holds " + stored + " rows of " + rows);
    return new Load(rows, seconds, "one INSERT ... FORMAT CSV over HTTP");
  }

  @Override
  public Answer select(String sql) throws Exception {
    JsonNode body = json.readTree(post(sql + " FORMAT JSONCompact", HttpRequest.BodyPublishers.noBody(), timeout));
    List<String> columns = new ArrayList<>();
    body.path("meta").forEach(c -> columns.add(c.path("name").asText()));
    return new Answer(columns, Answer.jsonRows(body.path("data")));
  }

  @Override
  public String version() throws Exception {
    return String.valueOf(select("SELECT version()").rows().get(0).get(0));
  }

  /** Active parts' bytes: what MergeTree keeps after the insert (merges may still shrink it). */
  @Override
  public long bytesOnDisk() throws Exception {
    return ((Number) select("SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND database = currentDatabase() "
        + "AND table = '" + SpansTable.NAME + "'").rows().get(0).get(0)).longValue();
  }

  private void execute(String sql) throws Exception {
    post(sql, HttpRequest.BodyPublishers.noBody(), timeout);
  }

  /** The statement in the URL (so a body can carry the rows); 64-bit integers as JSON numbers. */
  private byte[] post(String sql, HttpRequest.BodyPublisher body, Duration wait) throws Exception {
    URI uri = base.resolve("/?output_format_json_quote_64bit_integers=0&max_execution_time=" + timeout.toSeconds()
        + "&query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8));
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(wait).POST(body).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("ClickHouse answered " + r.statusCode() + " to " + abbreviate(sql) + ": "
          + new String(r.body(), StandardCharsets.UTF_8).trim());
    }
    return r.body();
  }

  private static String abbreviate(String sql) {
    return sql.length() <= 200 ? sql : sql.substring(0, 200) + "...";
  }

  @Override
  public void close() {
    // Nothing held: the server's lifetime is the harness script's.
  }
}
