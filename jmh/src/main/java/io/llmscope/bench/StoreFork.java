package io.llmscope.bench;

import org.openjdk.jmh.annotations.Fork;

/**
 * The fork of every benchmark that opens a store: JMH reads {@code @Fork} from a benchmark's
 * superclass, so the JVM flags Chronicle and Arrow need are written once.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true",
    // Forks run with -cp, so the jar manifest's Add-Opens do not apply: Chronicle and Arrow need them here.
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"})
public abstract class StoreFork {}
