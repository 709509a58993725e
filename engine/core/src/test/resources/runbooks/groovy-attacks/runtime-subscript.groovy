// Attack: a subscript whose name is computed at run time; the checker cannot see it, the run does.
runbook { name 'runtime-subscript' }
steps {
    def key = 'cla' + 'ss'
    def labels = [(key): 'a label called class is fine']
    shell.exec id: 'label', command: "echo ${labels[key]}"
    def type = 'text'[key]
    shell.exec id: 'never', command: "echo ${type}"
}
