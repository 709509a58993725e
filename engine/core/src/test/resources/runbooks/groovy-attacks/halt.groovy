// Attack: halt (or exit) stops the engine's JVM with every run in it.
runbook { name 'halt' }
steps {
    def runtime = {}.class.classLoader.loadClass('java.lang.Runtime')
    runtime.getRuntime().halt(0)
    System.exit(0)
    owner.metaClass
    this.'class'.forName('java.lang.System').exit(0)
}
