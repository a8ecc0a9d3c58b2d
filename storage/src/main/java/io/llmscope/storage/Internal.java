package io.llmscope.storage;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a package of the storage module as internal: its types are public only so the storage
 * module's own packages can use each other. No other module may import them; the build's
 * architecture test fails when one does. Like Lucene's {@code @lucene.internal}.
 */
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PACKAGE)
public @interface Internal {}
