/**
 * The {@code loadgen} command: a deterministic generator of synthetic GenAI traces ({@link
 * io.llmscope.server.loadgen.TrafficGenerator}) and an OTLP/HTTP protobuf sender ({@link
 * io.llmscope.server.loadgen.OtlpHttpSender}).
 */
package io.llmscope.server.loadgen;
