console.log('wharfd');
