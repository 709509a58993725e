// Not an attack: the ordinary Groovy a runbook body uses must keep loading and running.
runbook {
    name 'everyday-code'
    param 'hosts', type: 'list', default: ['web-1', 'web-2:9100']
    param 'limit', type: 'int', default: 3
}
steps {
    def hosts = params.hosts.collect { host(it) }.findAll { it.startsWith('web') }.unique().sort()
    Map<String, Integer> sizes = [:]
    for (String name in hosts) {
        sizes[name] = name.size()
    }
    sizes['extra'] = 1
    def counter = [n: 0]
    counter['n']++
    List<String> words = 'a b  c'.split(/\s+/) as List
    int limit = Math.max(params.limit as Integer, 1)
    def first = hosts ? hosts[0] : 'none'
    def label = alert?.labels?.instance ?: 'no-alert'
    def joined = words.take(limit).join(',') + "-${hosts.size()}"
    def number = '42'.isInteger() ? '42'.toInteger() : 0
    def found = regexFind('disk 91% full', /(\d+)%/, 1)
    def keys = sizes.keySet().toList()
    def total = sizes.values().sum()
    def builder = new StringBuilder().append(first)
    if (!builder) {
        throw new IllegalStateException('never: the builder holds the first host')
    }
    if (number instanceof Integer && sizes instanceof Map && matches(label, '.*') && keys.contains('extra')) {
        shell.exec id: 'report', command: "echo ${joined} ${found} ${total} ${builder} ${counter.n} ${label}"
    }
    (1..2).each { index ->
        shell.exec id: "item_${index}".toString(), command: "echo ${words[index]}", continueOnError: true
    }
}
