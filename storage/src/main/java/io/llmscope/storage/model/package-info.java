/**
 * The span model every module shares: {@link io.llmscope.storage.model.LlmSpan} with its
 * canonical {@link io.llmscope.storage.model.Dim dimensions} and {@link
 * io.llmscope.storage.model.Measure measures}, its {@link io.llmscope.storage.model.SpanDetail
 * detail}, ids and flag bits. Public API.
 */
package io.llmscope.storage.model;
