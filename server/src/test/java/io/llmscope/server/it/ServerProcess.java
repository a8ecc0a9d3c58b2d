package io.llmscope.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built {@code llmscope.jar} run as a user runs it ({@code java -jar ... serve}) on free
 * ports, with helpers to talk to it. Its stderr goes to {@code server-N.log} beside the data dir.
 */
final class ServerProcess implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern READY = Pattern.compile("llmscope ready otlp-grpc=(\\d+) otlp-http=(\\d+) http=(\\d+)");
  private static int started;

  final Process process;
  final int grpcPort;
  final int otlpHttpPort;
  final int httpPort;
  final Path log;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> stdout = new ArrayList<>();

  private ServerProcess(Process process, Path log, int grpc, int otlpHttp, int httpPort) {
    this.process = process;
    this.log = log;
    this.grpcPort = grpc;
    this.otlpHttpPort = otlpHttp;
    this.httpPort = httpPort;
  }

  static Path jar() {
    String p = System.getProperty("llmscope.jar", "target/llmscope.jar");
    Path jar = Path.of(p);
    if (!Files.exists(jar)) throw new IllegalStateException("build the jar first (mvn package): " + jar.toAbsolutePath());
    return jar;
  }

  /** JVM options of a server started without its own. */
  static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m");

  private static List<String> serveCommand(List<String> jvmOptions, Path dataDir, String... extraArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", jar().toString(), "serve", "--data-dir", dataDir.toString()));
    List<String> extra = List.of(extraArgs);
    for (String port : List.of("--otlp-grpc-port", "--otlp-http-port", "--http-port")) {
      if (!extra.contains(port)) cmd.addAll(List.of(port, "0")); // a free one, unless the test names one
    }
    cmd.addAll(extra);
    return cmd;
  }

  /** How a {@code serve} that was expected to stop by itself ended. */
  record Exited(int code, String stdout, String stderr) {}

  /** Runs {@code serve} expecting it to exit on its own (e.g. on a bad config) within 60 s. */
  static Exited runToExit(Path dataDir, String... extraArgs) throws Exception {
    Path out = Files.createTempFile(dataDir.getParent(), "serve-out", ".txt");
    Path err = Files.createTempFile(dataDir.getParent(), "serve-err", ".txt");
    Process p = new ProcessBuilder(serveCommand(DEFAULT_JVM_OPTIONS, dataDir, extraArgs)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("serve did not exit within 60 s; stdout: " + Files.readString(out));
    }
    return new Exited(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static ServerProcess start(Path dataDir, String... extraArgs) throws Exception {
    return start(DEFAULT_JVM_OPTIONS, dataDir, extraArgs);
  }

  /** {@code serve} with these JVM options (e.g. {@code -Xmx384m}) in place of {@link #DEFAULT_JVM_OPTIONS}. */
  static synchronized ServerProcess start(List<String> jvmOptions, Path dataDir, String... extraArgs) throws Exception {
    Path log = dataDir.resolveSibling(dataDir.getFileName() + "-server-" + (++started) + ".log");
    Process p = new ProcessBuilder(serveCommand(jvmOptions, dataDir, extraArgs)).redirectError(log.toFile()).start();
    CompletableFuture<Matcher> ready = new CompletableFuture<>();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (lines) {
            lines.add(line);
          }
          Matcher m = READY.matcher(line);
          if (m.matches()) ready.complete(m);
        }
      } catch (IOException e) {
        // process ended
      }
      ready.completeExceptionally(new IllegalStateException("server exited without a ready line"));
    }, "server-stdout");
    reader.setDaemon(true);
    reader.start();
    Matcher m;
    try {
      m = ready.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("server did not start: " + e + "\n" + Files.readString(log), e);
    }
    ServerProcess s = new ServerProcess(p, log, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    synchronized (lines) {
      s.stdout.addAll(lines);
    }
    return s;
  }

  List<String> stdoutLines() {
    return stdout;
  }

  String otlpUrl() {
    return "http://127.0.0.1:" + otlpHttpPort + "/v1/traces";
  }

  String apiUrl(String path) {
    return "http://127.0.0.1:" + httpPort + path;
  }

  HttpResponse<byte[]> postOtlp(byte[] body, String contentType, String contentEncoding) throws Exception {
    return postOtlp(body, contentType, contentEncoding, null);
  }

  /** POST /v1/traces with {@code Authorization: Bearer apiKey} when the key is not null. */
  HttpResponse<byte[]> postOtlp(byte[] body, String contentType, String contentEncoding, String apiKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(otlpUrl())).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) b.header("Content-Type", contentType);
    if (contentEncoding != null) b.header("Content-Encoding", contentEncoding);
    if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** GET on the HTTP port, whatever the status; {@code Authorization: Bearer apiKey} when the key is not null. */
  HttpResponse<String> getRaw(String path, String apiKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl(path))).timeout(Duration.ofSeconds(30)).GET();
    if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** POST /api/v1/query; returns the HTTP status and the parsed body. */
  Response query(String json) throws Exception {
    return query(json, null);
  }

  /** POST /api/v1/query with {@code Authorization: Bearer apiKey} when the key is not null. */
  Response query(String json, String apiKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl("/api/v1/query"))).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), JSON.readTree(r.body()));
  }

  JsonNode get(String path) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(apiUrl(path))).timeout(Duration.ofSeconds(30)).GET().build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
    return JSON.readTree(r.body());
  }

  /**
   * Any method on the HTTP port, with a JSON body when {@code json} is not null and {@code
   * Authorization: Bearer apiKey} when the key is not null; the status and the parsed body.
   */
  Response send(String method, String path, String json, String apiKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl(path))).timeout(Duration.ofSeconds(60))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) b.header("Content-Type", "application/json");
    if (apiKey != null) b.header("Authorization", "Bearer " + apiKey);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Response(r.statusCode(), r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body()));
  }

  /** A single number from a one-row, one-metric query. */
  long count(String json) throws Exception {
    Response r = query(json);
    if (r.status() != 200) throw new IllegalStateException("query failed: " + r.body());
    JsonNode rows = r.body().get("rows");
    return rows.isEmpty() ? 0 : rows.get(0).get(rows.get(0).size() - 1).asLong();
  }

  record Response(int status, JsonNode body) {}

  /** SIGKILL, as a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM; returns the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("server did not exit within 15 s of SIGTERM");
    }
    return process.exitValue();
  }

  /**
   * What to print when a test gives up on the server: the ingest counters of /metrics (503s for a
   * full disk, a busy server or a head cap are not logged) and the stacks of the threads running
   * our code or blocked, from the JDK's jcmd.
   */
  String diagnostics() {
    StringBuilder out = new StringBuilder();
    try {
      HttpResponse<String> m = getRaw("/metrics", null);
      out.append("metrics (").append(m.statusCode()).append("):\n");
      m.body().lines().filter(l -> l.startsWith("llmscope_ingest") || l.startsWith("llmscope_storage")).forEach(l -> out.append(l).append('\n'));
    } catch (Exception e) {
      out.append("metrics: ").append(e).append('\n');
    }
    try {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
      String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      out.append("threads running our code or blocked:\n");
      for (String thread : dump.split("\n\n")) {
        if (thread.contains("io.llmscope") || thread.contains("BLOCKED")) out.append(thread).append("\n\n");
      }
    } catch (Exception e) {
      out.append("thread dump: ").append(e).append('\n');
    }
    return out.toString();
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log)";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }
}
