import { defineConfig } from 'vite';

// Built by Maven (dashboards/pom.xml) straight into the jar's classpath under ui/,
// which HttpApi serves at "/". Relative base: assets load from wherever the page is served.
export default defineConfig({
  base: './',
  build: {
    outDir: '../../../target/classes/ui',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
  },
});
