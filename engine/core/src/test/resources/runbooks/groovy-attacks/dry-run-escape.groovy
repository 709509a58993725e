// Attack: an API dry run ran this body as it is, so it ran a command and read the engine's
// environment. Old code accepted it; now it does not load at all.
runbook {
    name 'dry-run-escape'
    param 'marker'
}
steps {
    def loader = { -> }['class']['classLoader']
    loader.loadClass('java.lang.Runtime').getRuntime().exec('touch ' + params.marker)
    def path = loader.loadClass('java.lang.System').getenv('PATH')
    shell.exec id: 'show', command: "echo ${path}"
}
