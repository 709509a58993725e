// Attack: a method or property name computed at run time crashed the checker (NPE).
runbook { name 'dynamic-names' }
steps {
    def name = 'exec'
    "${name}"()
    alert."${name}"
    shell."$name"(id: 'x', command: 'true')
}
